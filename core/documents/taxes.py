"""The VAT breakdown (EN 16931 BG-23) and amounts as e-invoices state them.

E-invoices state a credit note's amounts as positive numbers (the document type says it is a
credit); ardesk stores them negative, so the builders read them through ``signed``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.documents.facts import InvoiceFacts

CENT = Decimal("0.01")
# Categories ardesk can state, with the exemption reason EN 16931 requires for some of them
# (BR-AE-10, BR-IC-10, BR-G-10). Others (E, O, L, M) need a reason the ERP does not supply.
EXEMPTIONS: dict[str, tuple[str, str] | None] = {
    "S": None,
    "Z": None,
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
}
# Categories whose buyer must be identified by a VAT id (BR-AE-02, BR-IC-02).
NEEDS_BUYER_VAT = frozenset({"AE", "K"})


@dataclass(frozen=True)
class TaxGroup:
    category: str
    rate: Decimal
    basis: Decimal
    amount: Decimal

    @property
    def exemption(self) -> tuple[str, str] | None:
        return EXEMPTIONS.get(self.category)


def sign(facts: InvoiceFacts) -> Decimal:
    return Decimal(-1) if facts.credit_note and facts.total < 0 else Decimal(1)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def breakdown(facts: InvoiceFacts) -> tuple[TaxGroup, ...]:
    """One group per category and rate: the basis is the sum of the line nets, the tax is the
    basis times the rate (BR-S-09 and its siblings), in the document's sign."""
    factor = sign(facts)
    bases: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in facts.lines:
        bases[(line.tax_category or "", line.tax_rate.normalize())] += cents(
            line.net_amount * factor
        )
    return tuple(
        TaxGroup(category, rate, basis, cents(basis * rate / 100))
        for (category, rate), basis in sorted(bases.items())
    )


def amount_text(value: Decimal) -> str:
    return f"{cents(value):f}"


def plain_text(value: Decimal) -> str:
    """A quantity, price or rate without trailing zeros and never in exponent form."""
    return f"{value.normalize():f}"
