"""Payment QR codes: EPC QR ("GiroCode", SEPA credit transfer) for EUR, the Swiss QR-bill for
CHF. Only for an invoice with something left to pay, never on a paid or credited one.

The payloads come from well-kept libraries (segno's EPC helper, qrbill), which check field
lengths and references; the tests decode the drawn codes back and parse them.
"""

from __future__ import annotations

import enum
import io
from dataclasses import dataclass

import segno.helpers
from qrbill import QRBill
from schwifty import IBAN

from core.documents.facts import InvoiceFacts
from core.documents.reference import is_rf

# qrbill prints its labels in these languages only; the others read the English ones.
QR_BILL_LANGUAGES = ("en", "de", "fr", "it")


class Scheme(enum.StrEnum):
    epc = "epc"
    swiss_qr_bill = "swiss_qr_bill"


@dataclass(frozen=True)
class PaymentQR:
    scheme: Scheme
    svg: str  # the code (EPC) or the whole payment part with receipt (QR-bill), as SVG markup


def payment_qr(facts: InvoiceFacts, language: str = "en") -> PaymentQR | None:
    if not facts.payable or facts.seller is None:
        return None
    bank = facts.seller.bank_for(facts.currency)
    if bank is None:
        return None
    iban = IBAN(bank.iban_compact)
    if facts.currency == "EUR" and iban.in_sepa_zone:
        return _epc(facts, bank.account_holder, iban, bank.bic)
    if facts.currency == "CHF" and iban.country_code in ("CH", "LI"):
        return _swiss(facts, iban, language)
    return None


def _epc(facts: InvoiceFacts, holder: str, iban: IBAN, bic: str) -> PaymentQR:
    reference = facts.payment_reference or ""
    rf = reference if is_rf(reference) else None
    # Without an RF reference, the unstructured text carries the invoice's own reference.
    text = None if rf else f"{facts.number} {reference}".strip()[:140]
    code = segno.helpers.make_epc_qr(
        name=holder[:70], iban=iban.compact, amount=facts.balance, text=text, reference=rf, bic=bic
    )
    return PaymentQR(Scheme.epc, code.svg_inline(scale=3))


def _swiss(facts: InvoiceFacts, iban: IBAN, language: str) -> PaymentQR:
    seller, buyer = facts.seller, facts.buyer
    assert seller is not None
    reference = facts.payment_reference or ""
    debtor = None
    if buyer.address.city and buyer.address.country_code and buyer.address.postal_code:
        debtor = {
            "name": buyer.name[:70],
            "street": buyer.address.line1,
            "pcode": buyer.address.postal_code,
            "city": buyer.address.city,
            "country": buyer.address.country_code,
        }
    bill = QRBill(
        account=iban.compact,
        creditor={
            "name": seller.name[:70],
            "street": seller.address.line1,
            "pcode": seller.address.postal_code,
            "city": seller.address.city,
            "country": seller.address.country_code,
        },
        debtor=debtor,
        amount=f"{facts.balance:.2f}",
        currency="CHF",
        reference_number=reference if is_rf(reference) else None,
        additional_information="" if is_rf(reference) else f"{facts.number} {reference}".strip(),
        language=language if language in QR_BILL_LANGUAGES else "en",
    )
    out = io.StringIO()
    bill.as_svg(out)
    return PaymentQR(Scheme.swiss_qr_bill, out.getvalue())
