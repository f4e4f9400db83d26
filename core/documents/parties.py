"""Who issues a document and where to pay: the legal entities a supplier bills from.

The brand file (``mailers.brand``) reads them; they are defined here because the builders in
``core`` state them on every copy and e-invoice, and ``core`` imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostalAddress:
    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country_code: str = ""  # ISO 3166-1 alpha-2

    def lines(self) -> tuple[str, ...]:
        """As printed: street lines, then postcode and city, then region and country."""
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        rest = ", ".join(part for part in (self.region, self.country_code) if part)
        return tuple(line for line in (self.line1, self.line2, place, rest) if line)


@dataclass(frozen=True)
class BankDetails:
    account_holder: str
    iban: str  # printed form, groups of four
    bic: str
    bank_name: str
    other: tuple[tuple[str, str], ...] = ()  # further fields, in file order (e.g. sort code)
    # The currencies paid into this account; empty: any.
    currencies: tuple[str, ...] = ()

    @property
    def iban_compact(self) -> str:
        return self.iban.replace(" ", "")

    def takes(self, currency: str) -> bool:
        return not self.currencies or currency in self.currencies


@dataclass(frozen=True)
class LegalEntity:
    """An issuer (EN 16931 BG-4 seller) with its ids, contact and bank accounts."""

    code: str  # what accounts and invoices name in ``legal_entity``
    name: str
    address: PostalAddress
    vat_id: str = ""  # BT-31
    registration_id: str = ""  # BT-30, e.g. "HRB 123456, Amtsgericht München"
    # Peppol / e-invoice endpoint (BT-34) as "scheme:identifier", e.g. "0088:4000001000005".
    electronic_address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    banks: tuple[BankDetails, ...] = ()

    def bank_for(self, currency: str) -> BankDetails | None:
        return next((bank for bank in self.banks if bank.takes(currency)), None)
