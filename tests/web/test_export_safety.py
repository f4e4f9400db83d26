"""Exports a spreadsheet opens as data: text that looks like a formula stays text, amounts stay
numbers — whatever the ERP synced into a PO number."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.models import InvoiceKind
from core.spreadsheets import csv_text, safe_text, xlsx_bytes
from tests.support import builders as b
from tests.web.conftest import open_portal

HOSTILE = '=HYPERLINK("http://evil.example/","Details")'


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE, "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "\n=1+1",
        "=cmd|' /C calc'!A0", "  =1+1", "\u00a0=1+1", "\uff1dHYPERLINK(\"http://evil.example/\")",
        "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "\u200b=1+1", "\ufeff=1+1", "\x0b=1+1",
        "\x0c+1", "\u2003@SUM(A1)", "\u3000\u200b-1",
    ],
)  # fmt: skip
def test_text_that_a_spreadsheet_would_run_is_written_as_text(value):
    assert safe_text(value) == "'" + value
    (row,) = list(csv.reader(io.StringIO(csv_text(["po"], [[value]]))))[1:]
    assert row == ["'" + value]


def test_ordinary_text_and_numbers_are_left_as_they_are():
    assert safe_text("PO-4711") == "PO-4711"
    assert safe_text("PO 4711 = open") == "PO 4711 = open"
    assert safe_text("") == ""
    text = csv_text(["po", "amount"], [["PO 1", Decimal("-120.00")]])
    assert text.splitlines()[1] == '"PO 1",-120.00'


def test_a_csv_split_on_semicolons_still_finds_no_formula():
    """Excel in many European locales splits a CSV on ";": every text cell is quoted, so
    ``x;=1+1`` stays one cell however the file is split."""
    text = csv_text(["po"], [["x;=1+1"]])
    (row,) = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert row == ["x;=1+1"]


def test_a_control_character_from_the_erp_does_not_fail_the_xlsx_export(app, client, world, db):
    with db.admin_session() as s:
        from core.models import Account

        b.invoice(
            s, s.get(Account, world.alice), "A-BEL", "10.00", issued=date(2026, 4, 3),
            po="PO\x0b1\x07",
        )  # fmt: skip
    open_portal(app, client, world.alice_contact)
    exported = client.get("/invoices/export.xlsx?status=all&sort=number&dir=asc")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).active
    header = [cell.value for cell in sheet[1]]
    by_number = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert by_number["A-BEL"][header.index("po_number")].value == "PO\ufffd1\ufffd"


def _add_hostile_invoices(db, world):
    with db.admin_session() as s:
        from core.models import Account

        alice = s.get(Account, world.alice)
        b.invoice(s, alice, "A-200", "99.00", issued=date(2026, 4, 1), po=HOSTILE)
        b.invoice(
            s, alice, "A-CN1", "-120.00", issued=date(2026, 4, 2), kind=InvoiceKind.credit_note,
            po="-15 discount",
        )  # fmt: skip


def test_the_customers_csv_export_never_carries_a_live_formula(app, client, world, db):
    _add_hostile_invoices(db, world)
    open_portal(app, client, world.alice_contact)
    exported = client.get("/invoices/export.csv?status=all&sort=number&dir=asc")
    rows = {r["number"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert rows["A-200"]["po_number"] == "'" + HOSTILE
    assert rows["A-CN1"]["po_number"] == "'-15 discount"
    assert rows["A-CN1"]["total"] == "-120.00"  # an amount, not text to escape


def test_the_customers_xlsx_export_writes_typed_cells(app, client, world, db):
    _add_hostile_invoices(db, world)
    open_portal(app, client, world.alice_contact)
    data = client.get("/invoices/export.xlsx?status=all&sort=number&dir=asc").data
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    po, total = header.index("po_number") + 1, header.index("total") + 1
    by_number = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    hostile = by_number["A-200"][po - 1]
    assert hostile.data_type == "s" and hostile.value == "'" + HOSTILE
    credit = by_number["A-CN1"][total - 1]
    assert credit.data_type == "n" and Decimal(str(credit.value)) == Decimal("-120.00")


def test_an_xlsx_written_directly_holds_no_formula():
    data = xlsx_bytes("Audit", ["detail"], [[HOSTILE], ["=1+1"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.data_type for (cell,) in sheet.iter_rows(min_row=2)] == ["s", "s"]


def test_a_void_invoice_exports_every_amount_as_zero(app, client, world, db):
    with db.admin_session() as s:
        from core.models import Account

        alice = s.get(Account, world.alice)
        b.invoice(s, alice, "A-VOID", "95.20", tax="15.20", issued=date(2026, 4, 3), void=True)
    open_portal(app, client, world.alice_contact)
    exported = client.get("/invoices/export.csv?status=all&sort=number&dir=asc")
    (void,) = [r for r in csv.DictReader(io.StringIO(exported.text)) if r["number"] == "A-VOID"]
    assert void["status"] == "void"
    assert [void[c] for c in ("subtotal", "tax", "total", "balance")] == ["0.00"] * 4
