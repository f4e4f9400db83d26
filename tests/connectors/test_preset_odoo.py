"""Odoo preset against a fake Odoo speaking JSON-RPC (up to 18) and JSON-2 (19): login, the key
on every call, search_read domains and pages, many-to-one [id, name] pairs, false for empty
fields, the invoice PDFs Odoo keeps as attachments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.sync.engine import SyncFailed
from core.documents.eligibility import Missing
from core.models import Account, Document
from tests.connectors.conftest import einvoice_gaps, invoice, nothing_changed, sync, write_sources
from tests.connectors.odoo_server import LOGIN_PAGE, FakeOdoo
from tests.connectors.pdfs import pdf_bytes

ENVIRON = {"ODOO_KEY": "api-key"}
PDF_1, PDF_2 = [901, "INV_2026_00007.pdf"], [902, "RINV_2026_00001.pdf"]


def move(id_: int, name: str, kind: str, total: float, residual: float, **fields) -> dict:
    return {
        "id": id_,
        "name": name,
        "move_type": kind,
        "partner_id": [14, "Azure Interior"],
        "commercial_partner_id": [14, "Azure Interior"],
        "invoice_date": "2026-10-01",
        "invoice_date_due": "2026-10-31",
        "currency_id": [1, "EUR"],
        "amount_untaxed": round(total / 1.15, 2),
        "amount_tax": round(total - total / 1.15, 2),
        "amount_total": total,
        "amount_residual": residual,
        "state": "posted",
        "ref": False,
        "write_date": "2026-10-02 08:00:00",
        "invoice_payment_term_id": [4, "30 Days"],
        "payment_reference": name,
        "company_id": [1, "YourCompany"],
        "invoice_pdf_report_id": False,
        **fields,
    }


@pytest.fixture
def odoo(erp) -> FakeOdoo:
    server = FakeOdoo(erp)
    partner = {
        "id": 14, "name": "Azure Interior", "email": "azure.Interior24@example.com",
        "is_company": True, "customer_rank": 3, "parent_id": False,
        "currency_id": [1, "EUR"], "active": True, "write_date": "2026-09-01 10:00:00",
        "vat": "BE0477472701", "street": "4557 De Silva St", "street2": False,
        "zip": "94538", "city": "Fremont", "state_id": [13, "California (US)"],
        "country_code": "US", "property_payment_term_id": [4, "30 Days"],
        "credit": 150.0, "lang": "en_US",
    }  # fmt: skip
    person = {
        **partner, "id": 26, "name": "Brandon Freeman", "is_company": False,
        "customer_rank": 0, "email": "brandon.freeman55@example.com",
        "parent_id": [14, "Azure Interior"],
    }  # fmt: skip
    server.records = {
        "res.partner": [partner, person],
        "account.move": [
            move(51, "INV/2026/00007", "out_invoice", 1150.0, 150.0, invoice_pdf_report_id=PDF_1),
            move(52, "RINV/2026/00001", "out_refund", 115.0, 115.0, invoice_pdf_report_id=PDF_2),
            move(53, "INV/2026/00008", "out_invoice", 10.0, 0.0, state="cancel"),
            move(54, "INV/2026/00009", "out_invoice", 99.0, 99.0, state="draft"),
            move(55, "BILL/2026/00001", "in_invoice", 40.0, 40.0),
        ],
        "account.move.line": [
            {
                "id": 301, "move_id": [51, "INV/2026/00007"], "sequence": 10,
                "product_id": [7, "[FURN_8888] Office Lamp"], "name": "Office Lamp",
                "quantity": 10.0, "price_unit": 100.0, "price_subtotal": 1000.0,
                "price_total": 1150.0, "display_type": "product", "tax_ids": [1],
            },
            {
                "id": 302, "move_id": [52, "RINV/2026/00001"], "sequence": 10,
                "product_id": False, "name": "Refund", "quantity": 1.0, "price_unit": 100.0,
                "price_subtotal": 100.0, "price_total": 115.0, "display_type": "product",
                "tax_ids": [1],
            },
            {
                "id": 303, "move_id": [51, "INV/2026/00007"], "sequence": 20,
                "product_id": False, "name": "Tax 15%", "quantity": 0.0, "price_unit": 0.0,
                "price_subtotal": 0.0, "price_total": 0.0, "display_type": "tax", "tax_ids": [],
            },
        ],
        # The e-invoicing module (account_edi_ubl_cii) adds each tax's UNTDID 5305 category.
        "account.tax": [
            {"id": 1, "name": "15%", "amount": 15.0, "amount_type": "percent",
             "ubl_cii_tax_category_code": "S"},
            {"id": 2, "name": "0% EU reverse charge", "amount": 0.0, "amount_type": "percent",
             "ubl_cii_tax_category_code": "AE"},
        ],
        "account.payment": [
            {
                "id": 8, "name": "PBNK1/2026/00003", "partner_id": [14, "Azure Interior"],
                "date": "2026-10-10", "amount": 1000.0, "currency_id": [1, "EUR"],
                "memo": "INV/2026/00007", "write_date": "2026-10-10 09:00:00",
                "payment_type": "inbound", "state": "paid",
            },
        ],
    }  # fmt: skip
    server.attach(901, pdf_bytes("INV/2026/00007"))
    server.attach(902, pdf_bytes("RINV/2026/00001"))
    return server


def sources(erp, tmp_path, version: int) -> object:
    return write_sources(
        tmp_path,
        f"""
[sources.odoo]
kind = "odoo"
url = "{erp.url}"
database = "odoo"
version = {version}
username = "ardesk@example.com"
http_backoff_s = 0
auth = {{ password_env = "ODOO_KEY" }}
""",
    )


@pytest.mark.parametrize("version", [17, 19])
def test_odoo(db, erp, odoo, tmp_path, version):
    path = sources(erp, tmp_path, version)

    report = sync(db, path, "odoo", ENVIRON)
    first_run = len(odoo.calls)

    assert report.rejected == []
    assert report.inserted == {
        "accounts": 1,
        "contacts": 1,
        "invoices": 3,  # not the draft, not the vendor bill
        "lines": 2,
        "payments": 1,
    }
    assert report.documents == {"stored": 2, "unchanged": 0}
    first = invoice(db, "INV/2026/00007")
    assert (first.total, first.balance, first.status, first.lines[0].sku) == (
        Decimal("1150"),
        Decimal("150"),
        "partially_paid",
        "[FURN_8888] Office Lamp",
    )
    assert (first.payment_terms, first.legal_entity, first.payment_reference) == (
        "30 Days",
        "YourCompany",
        "INV/2026/00007",
    )
    assert invoice(db, "RINV/2026/00001").total == Decimal("-115")
    assert invoice(db, "INV/2026/00008").status == "void"
    with db.admin_session() as s:
        azure = s.scalars(select(Account)).one()
        assert (azure.tax_id, azure.address_line1, azure.city, azure.country_code) == (
            "BE0477472701",
            "4557 De Silva St",
            "Fremont",
            "US",
        )
        stored = {d.filename: d.content for d in s.scalars(select(Document))}
    assert stored["INV_2026_00007.pdf"] == pdf_bytes("INV/2026/00007")
    # Every listing is in id order, posted and cancelled customer documents only.
    searches = [c for c in odoo.calls if c[1] == "search_read"]
    assert all(options["order"] == "id" for _, _, _, options in searches)
    [moves] = [args[0] for model, _, args, _ in searches if model == "account.move"]
    assert ["state", "in", ["posted", "cancel"]] in moves
    # JSON-RPC up to 18, JSON-2 from 19; never the web report route.
    rpc, json2 = erp.calls("/jsonrpc"), [r for r in erp.requests if r.path.startswith("/json/2/")]
    assert (bool(rpc), bool(json2)) == ((True, False) if version < 19 else (False, True))
    assert not [r for r in erp.requests if r.path.startswith(("/report/", "/web/"))]

    again = sync(db, path, "odoo", ENVIRON)
    assert nothing_changed(again), again.updated
    [changed] = [a[0] for m, _, a, _ in odoo.calls[first_run:] if m == "account.move"]
    assert changed[-1] == ["write_date", ">", "2026-10-02 07:50:00"]


def test_odoo_refused_login(db, erp, odoo, tmp_path):
    with pytest.raises(SyncFailed, match="login refused"):
        sync(db, sources(erp, tmp_path, 17), "odoo", {"ODOO_KEY": "wrong"})


def test_odoo_19_refuses_a_wrong_key(db, erp, odoo, tmp_path):
    with pytest.raises(SyncFailed, match=r"HTTP 401 \(werkzeug.exceptions.Unauthorized\)"):
        sync(db, sources(erp, tmp_path, 19), "odoo", {"ODOO_KEY": "wrong"})
    assert erp.calls("/jsonrpc") == []


def test_a_key_revoked_mid_run_leaves_the_data_as_it_was(db, erp, odoo, tmp_path):
    path = sources(erp, tmp_path, 17)
    listed = odoo.execute

    def revoke_after_partners(model, method, args, options):
        if model == "account.move":
            odoo.key = "revoked"  # the next call carries a key Odoo no longer knows
        return listed(model, method, args, options)

    odoo.execute = revoke_after_partners

    with pytest.raises(SyncFailed, match="AccessDenied"):
        sync(db, path, "odoo", ENVIRON)

    with db.admin_session() as s:
        assert s.scalars(select(Account)).all() == []


def test_an_attachment_that_is_not_a_pdf_is_reported_never_stored(db, erp, odoo, tmp_path):
    odoo.records["ir.attachment"][0] = {
        "id": 901,
        "datas": __import__("base64").b64encode(LOGIN_PAGE).decode(),
        "mimetype": "text/html",
    }

    report = sync(db, sources(erp, tmp_path, 19), "odoo", ENVIRON)

    [rejection] = report.rejected
    assert (rejection.record, rejection.reason) == (
        "documents",
        "the ERP sent text/html, not a PDF",
    )
    with db.admin_session() as s:
        assert [d.filename for d in s.scalars(select(Document))] == ["RINV_2026_00001.pdf"]


def test_lines_carry_their_taxes_and_the_invoice_qualifies_for_an_einvoice(db, erp, odoo, tmp_path):
    odoo.records["account.move.line"][1]["tax_ids"] = [2]  # the refund: reverse charge

    report = sync(db, sources(erp, tmp_path, 19), "odoo", ENVIRON)

    assert report.rejected == []
    [line] = invoice(db, "INV/2026/00007").lines
    assert (line.tax_category, line.tax_rate, line.tax_amount) == ("S", Decimal(15), Decimal(150))
    assert invoice(db, "RINV/2026/00001").lines[0].tax_category == "AE"
    # The taxes were read once, with the category the e-invoicing module adds.
    [read] = [c for c in odoo.calls if c[:2] == ("account.tax", "read")]
    assert (read[2], read[3]["fields"]) == (
        [[1, 2]],
        ["id", "amount", "amount_type", "ubl_cii_tax_category_code"],
    )
    # Buyer's address and VAT id, terms, issuer and categories: a Factur-X can be built.
    assert einvoice_gaps(db, "INV/2026/00007") == ()


def test_without_the_einvoicing_module_only_a_positive_rate_is_read_as_standard(
    db, erp, odoo, tmp_path
):
    for tax in odoo.records["account.tax"]:
        del tax["ubl_cii_tax_category_code"]  # the module is not installed: no such field
    odoo.records["account.move.line"][1]["tax_ids"] = [2]

    report = sync(db, sources(erp, tmp_path, 17), "odoo", ENVIRON)

    assert report.rejected == []
    assert invoice(db, "INV/2026/00007").lines[0].tax_category == "S"
    # Zero-rated, exempt, reverse charge or export: Odoo does not say, so ardesk does not guess.
    assert invoice(db, "RINV/2026/00001").lines[0].tax_category is None
    assert einvoice_gaps(db, "RINV/2026/00001") == (Missing.tax_category,)
