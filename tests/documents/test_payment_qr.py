"""Payment QR codes decode to the right payment; none where nothing is left to pay."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from core.documents.payment_qr import Scheme, payment_qr
from core.documents.reference import is_rf, rf_reference, structured_reference
from core.models import InvoiceStatus
from tests.documents.decode import svg_codes
from tests.documents.samples import INVOICE, SWISS_ENTITY, credit_note_of


def test_an_rf_reference_is_made_from_the_invoice_number_and_checks():
    reference = rf_reference("INV-10423")
    assert reference == "RF28INV10423" and is_rf(reference)
    assert structured_reference("INV-10423", None) == reference
    assert structured_reference("INV-10423", "+++090/9337/55493+++") == "+++090/9337/55493+++"
    assert rf_reference("X" * 30) is None


def test_no_code_on_a_paid_a_void_or_a_credited_invoice():
    paid = dataclasses.replace(INVOICE, status=InvoiceStatus.paid, balance=Decimal(0))
    void = dataclasses.replace(INVOICE, status=InvoiceStatus.void)
    assert payment_qr(paid) is None and payment_qr(void) is None
    assert payment_qr(credit_note_of(INVOICE)) is None
    assert payment_qr(INVOICE).scheme is Scheme.epc


def test_no_epc_code_for_a_currency_sepa_does_not_pay():
    assert payment_qr(dataclasses.replace(INVOICE, currency="USD")) is None


def test_the_epc_code_decodes_to_the_open_amount_the_account_and_the_reference():
    partly_paid = dataclasses.replace(
        INVOICE, status=InvoiceStatus.partially_paid, amount_paid=Decimal("785.00"),
        balance=Decimal("1000.00"),
    )  # fmt: skip
    [payload] = svg_codes(payment_qr(partly_paid).svg)
    lines = payload.split("\n")
    # Service tag, version, character set (1 UTF-8, 2 ISO 8859-1: the smallest that fits).
    assert lines[:2] == ["BCD", "002"] and lines[2] in ("1", "2") and lines[3] == "SCT"
    assert lines[4:8] == [
        "COBADEFFXXX", "Northwind Industrial Supplies GmbH", "DE89370400440532013000", "EUR1000",
    ]  # fmt: skip
    assert lines[9] == "RF28INV10423"


def test_a_chf_invoice_gets_a_swiss_qr_bill_that_decodes_to_the_payment():
    swiss = dataclasses.replace(INVOICE, currency="CHF", seller=SWISS_ENTITY)
    qr = payment_qr(swiss, "de")
    assert qr.scheme is Scheme.swiss_qr_bill
    [payload] = svg_codes(qr.svg)
    fields = payload.splitlines()  # the QR-bill separates fields with CR LF
    assert fields[:4] == ["SPC", "0200", "1", "CH9300762011623852957"]
    assert "Northwind Industrial Supplies AG" in fields
    assert "1785.00" in fields and "CHF" in fields
    assert fields[fields.index("SCOR") + 1] == "RF28INV10423"
