"""Odoo preset against a local server replaying JSON-RPC execute_kw: login, search_read pages,
many-to-one [id, name] pairs, false for empty fields, the invoice report PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.config import load_source
from connectors.registry import open_connector
from connectors.sync.engine import SyncFailed
from tests.connectors.conftest import invoice, nothing_changed, sync, write_sources
from tests.connectors.fake_erp import Reply


@pytest.fixture
def odoo(erp, tmp_path):
    partners = [
        {
            "id": 14,
            "name": "Azure Interior",
            "email": "azure.Interior24@example.com",
            "currency_id": [1, "EUR"],
            "active": True,
            "write_date": "2026-09-01 10:00:00",
        },
    ]
    people = [
        {
            "id": 26,
            "name": "Brandon Freeman",
            "email": "brandon.freeman55@example.com",
            "parent_id": [14, "Azure Interior"],
            "lang": "en_US",
            "active": True,
            "write_date": "2026-09-01 10:00:00",
        },
    ]
    moves = [
        {
            "id": 51,
            "name": "INV/2026/00007",
            "move_type": "out_invoice",
            "partner_id": [26, "Azure Interior, Brandon Freeman"],
            "commercial_partner_id": [14, "Azure Interior"],
            "invoice_date": "2026-10-01",
            "invoice_date_due": "2026-10-31",
            "currency_id": [1, "EUR"],
            "amount_untaxed": 1000.0,
            "amount_tax": 150.0,
            "amount_total": 1150.0,
            "amount_residual": 150.0,
            "state": "posted",
            "ref": False,
            "write_date": "2026-10-02 08:00:00",
        },
        {
            "id": 52,
            "name": "RINV/2026/00001",
            "move_type": "out_refund",
            "partner_id": [14, "Azure Interior"],
            "commercial_partner_id": [14, "Azure Interior"],
            "invoice_date": "2026-10-03",
            "invoice_date_due": "2026-10-03",
            "currency_id": [1, "EUR"],
            "amount_untaxed": 100.0,
            "amount_tax": 15.0,
            "amount_total": 115.0,
            "amount_residual": 115.0,
            "state": "posted",
            "ref": "RMA 9",
            "write_date": "2026-10-03 08:00:00",
        },
        {
            "id": 53,
            "name": "INV/2026/00008",
            "move_type": "out_invoice",
            "partner_id": [14, "Azure Interior"],
            "commercial_partner_id": [14, "Azure Interior"],
            "invoice_date": "2026-10-04",
            "invoice_date_due": False,
            "currency_id": [1, "EUR"],
            "amount_untaxed": 10.0,
            "amount_tax": 0.0,
            "amount_total": 10.0,
            "amount_residual": 0.0,
            "state": "cancel",
            "ref": False,
            "write_date": "2026-10-04 08:00:00",
        },
    ]
    lines = [
        {
            "id": 301,
            "move_id": [51, "INV/2026/00007"],
            "sequence": 10,
            "product_id": [7, "[FURN_8888] Office Lamp"],
            "name": "Office Lamp",
            "quantity": 10.0,
            "price_unit": 100.0,
            "price_subtotal": 1000.0,
            "price_total": 1150.0,
        },
        {
            "id": 302,
            "move_id": [52, "RINV/2026/00001"],
            "sequence": 10,
            "product_id": False,
            "name": "Refund",
            "quantity": 1.0,
            "price_unit": 100.0,
            "price_subtotal": 100.0,
            "price_total": 115.0,
        },
    ]
    payments = [
        {
            "id": 8,
            "name": "PBNK1/2026/00003",
            "partner_id": [14, "Azure Interior"],
            "date": "2026-10-10",
            "amount": 1000.0,
            "currency_id": [1, "EUR"],
            "memo": "INV/2026/00007",
            "write_date": "2026-10-10 09:00:00",
        },
    ]
    data = {
        "res.partner": None,
        "account.move": moves,
        "account.move.line": lines,
        "account.payment": payments,
    }

    def jsonrpc(request):
        call = request.json()
        params = call["params"]
        if params["service"] == "common":
            ok = params["args"] == ["odoo", "ardesk@example.com", "api-key"]
            return {"jsonrpc": "2.0", "id": call["id"], "result": 2 if ok else False}
        db, uid, _password, model, method, domain, options = params["args"]
        assert (db, uid, method) == ("odoo", 2, "search_read")
        if model == "res.partner":
            rows = partners if ["is_company", "=", True] in domain[0] else people
        else:
            rows = data[model]
        rows = rows[options["offset"] : options["offset"] + options["limit"]]
        return {"jsonrpc": "2.0", "id": call["id"], "result": rows}

    erp.route("POST", "/jsonrpc", jsonrpc)
    erp.route("POST", "/web/session/authenticate", {"jsonrpc": "2.0", "result": {"uid": 2}})
    for move in (51, 52, 53):  # the invoice report of each move, rendered by Odoo
        erp.route(
            "GET",
            f"/report/pdf/account.report_invoice/{move}",
            Reply(
                200,
                b"%PDF odoo" + (b"" if move == 51 else b" %d" % move),
                content_type="application/pdf",
            ),
        )
    return write_sources(
        tmp_path,
        f"""
[sources.odoo]
kind = "odoo"
url = "{erp.url}"
database = "odoo"
username = "ardesk@example.com"
http_backoff_s = 0
auth = {{ password_env = "ODOO_KEY" }}
""",
    )


def test_odoo(db, erp, odoo):
    environ = {"ODOO_KEY": "api-key"}

    report = sync(db, odoo, "odoo", environ)

    assert report.rejected == []
    assert report.inserted == {
        "accounts": 1,
        "contacts": 1,
        "invoices": 3,
        "lines": 2,
        "payments": 1,
    }
    assert report.documents == {"stored": 3, "unchanged": 0}
    first = invoice(db, "INV/2026/00007")
    assert (first.total, first.balance, first.status, first.lines[0].sku) == (
        Decimal("1150"),
        Decimal("150"),
        "partially_paid",
        "[FURN_8888] Office Lamp",
    )
    assert invoice(db, "RINV/2026/00001").total == Decimal("-115")
    assert invoice(db, "INV/2026/00008").status == "void"
    assert nothing_changed(sync(db, odoo, "odoo", environ))
    with open_connector(load_source(odoo, "odoo", environ)) as connector:
        record = next(r for r in connector.invoices(None) if r.erp_id == "51")
        assert connector.document(record) == b"%PDF odoo"


def test_odoo_refused_login(db, erp, odoo):
    with pytest.raises(SyncFailed, match="login refused"):
        sync(db, odoo, "odoo", {"ODOO_KEY": "wrong"})
