"""The generic REST source against a local API: paging styles, authentication, rate limits and
server errors, malformed rows, re-runs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.sync.engine import SyncFailed
from tests.connectors.conftest import invoice, nothing_changed, snapshot, sync, write_sources
from tests.connectors.fake_erp import Reply

CUSTOMERS = [
    {"id": f"CU{n}", "name": f"Customer {n}", "currency": "EUR", "updated": "2026-10-01T10:00:00Z"}
    for n in range(1, 6)
]
INVOICES = [
    {
        "id": "INV-1",
        "customer": "CU1",
        "date": "2026-09-01",
        "due": "2026-10-01",
        "currency": "EUR",
        "total": Decimal("119.00"),
        "tax": Decimal("19.00"),
        "updated": "2026-10-01T11:00:00Z",
        "lines": [{"text": "Widgets", "qty": 10, "price": Decimal("10.00"), "net": 100}],
    },
    {
        "id": "INV-2",
        "customer": "CU2",
        "date": "2026-09-02",
        "currency": "EUR",
        "total": Decimal("50.00"),
        "updated": "2026-10-02T11:00:00Z",
        "lines": [],
    },
    {
        "id": "CN-1",
        "type": "credit",
        "customer": "CU1",
        "date": "2026-09-03",
        "currency": "EUR",
        "total": Decimal("20.00"),
        "updated": "2026-10-02T12:00:00Z",
    },
]
PAYMENTS = {
    "data": [
        {
            "id": "P-1",
            "customer": "CU1",
            "date": "2026-10-05",
            "currency": "EUR",
            "amount": Decimal("100.00"),
            "applied": [{"invoice": "INV-1", "amount": Decimal("100.00")}],
        }
    ]
}

SOURCES = """
[sources.api]
kind = "rest"
base_url = "{url}/api"
auth = {{ type = "bearer", token_env = "API_TOKEN" }}
items = "data"
attempts = 2
http_backoff_s = 0

[sources.api.endpoints]
accounts = {{ path = "/customers", paging = {{ type = "offset", limit = 2 }} }}
payments = "/payments"

[sources.api.endpoints.invoices]
path = "/invoices"
params = {{ changed_since = "{{since}}" }}
paging = {{ type = "cursor", next_path = "meta.next" }}

[sources.api.mapping.accounts]
erp_id = "id"
name = "name"
currency = "currency"
updated_at = "updated"

[sources.api.mapping.invoices]
erp_id = "id"
account = "customer"
issue_date = "date"
due_date = "due"
currency = "currency"
total = "total"
tax = "tax"
kind = {{ field = "type", values = {{ credit = "credit_note" }}, other = "invoice" }}
updated_at = "updated"

[sources.api.mapping.lines]
nested = "lines"
description = "text"
quantity = "qty"
unit_price = "price"
net_amount = "net"

[sources.api.mapping.payments]
erp_id = "id"
account = "customer"
received_on = "date"
currency = "currency"
amount = "amount"

[sources.api.mapping.allocations]
nested = "applied"
invoice = "invoice"
amount = "amount"
"""
TOKEN = {"API_TOKEN": "t0ken"}


def serve(erp, invoices=INVOICES):
    def customers(request):
        if request.headers.get("authorization") != "Bearer t0ken":
            return Reply(401, {"error": {"code": "invalid_token", "message": "nope"}})
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return {"data": CUSTOMERS[offset : offset + limit]}

    def invoice_pages(request):
        since = request.query.get("changed_since")
        rows = [i for i in invoices if not since or i["updated"] > since]
        start = int(request.query.get("cursor", 0))
        nxt = start + 2 if start + 2 < len(rows) else None
        return {"data": rows[start : start + 2], "meta": {"next": nxt and str(nxt)}}

    erp.route("GET", "/api/customers", customers)
    erp.route("GET", "/api/invoices", invoice_pages)
    erp.route("GET", "/api/payments", PAYMENTS)


@pytest.fixture
def sources(erp, tmp_path):
    serve(erp)
    return write_sources(tmp_path, SOURCES.format(url=erp.url))


def test_it_syncs_a_paged_api(db, erp, sources):
    report = sync(db, sources, "api", TOKEN)

    assert report.rejected == []
    assert report.inserted == {
        "accounts": 5, "contacts": 0, "invoices": 3, "lines": 1, "payments": 1,
    }  # fmt: skip
    assert [r.query["offset"] for r in erp.calls("/api/customers")] == ["0", "2", "4"]
    assert len(erp.calls("/api/invoices")) == 2  # the cursor led to a second page
    paid = invoice(db, "INV-1")
    assert (paid.balance, paid.status, paid.lines[0].net_amount) == (
        Decimal("19"), "partially_paid", Decimal("100"),
    )  # fmt: skip
    assert invoice(db, "CN-1").total == Decimal("-20")


def test_a_rerun_asks_only_for_changes_and_changes_nothing(db, erp, sources):
    sync(db, sources, "api", TOKEN)
    before = snapshot(db)

    again = sync(db, sources, "api", TOKEN)

    assert nothing_changed(again) and snapshot(db) == before
    # The watermark (newest change, 12:00) less the ten-minute overlap.
    assert erp.calls("/api/invoices")[-1].query["changed_since"] == "2026-10-02T11:50:00Z"


def test_it_waits_out_rate_limits_and_server_errors(db, erp, sources):
    erp.fail_next("/api/customers", Reply(429, {"error": "slow down"}, {"Retry-After": "0"}), 2)
    erp.fail_next("/api/invoices", Reply(503, "<html>maintenance</html>", {}, "text/html"))

    report = sync(db, sources, "api", TOKEN)

    assert report.inserted["invoices"] == 3


def test_a_refused_token_fails_without_touching_the_data(db, erp, sources):
    sync(db, sources, "api", TOKEN)
    before = snapshot(db)

    with pytest.raises(SyncFailed) as failed:
        sync(db, sources, "api", {"API_TOKEN": "expired"}, full=True)

    assert "HTTP 401 (invalid_token)" in str(failed.value)
    assert "nope" not in str(failed.value)  # the ERP's message is not repeated
    assert snapshot(db) == before


def test_a_server_that_keeps_failing_is_retried_then_given_up(db, erp, sources):
    erp.fail_next("/api/payments", Reply(500, {"error": {"code": "Internal"}}), 100)

    with pytest.raises(SyncFailed, match=r"after 2 attempt.*HTTP 500 \(Internal\)"):
        sync(db, sources, "api", TOKEN)

    assert snapshot(db)["invoices"] == []


def test_malformed_rows_are_reported(db, erp, tmp_path):
    broken = [
        *INVOICES,
        {"id": "INV-X", "customer": "CU1", "date": "soon", "currency": "EUR", "total": 1},
        {"id": "INV-Y", "customer": "CU1", "date": "2026-09-01", "currency": "EUR"},
        {
            "id": "INV-Z",
            "customer": "CU1",
            "date": "2026-09-01",
            "currency": "EUR",
            "total": 5,
            "lines": [{"text": "no amount"}],
        },
    ]
    serve(erp, broken)
    sources = write_sources(tmp_path, SOURCES.format(url=erp.url))

    report = sync(db, sources, "api", TOKEN)

    rejected = {(r.record, r.row, r.field) for r in report.rejected}
    assert rejected == {
        ("invoices", "invoices INV-X", "issue_date"),
        ("invoices", "invoices INV-Y", "total"),
        ("lines", "invoices INV-Z/1", "net_amount"),
        ("invoices", "invoices INV-Z", "lines"),
    }
    assert report.inserted["invoices"] == 3


def test_oauth2_client_credentials(db, erp, tmp_path):
    serve(erp)
    issued = []

    def token(request):
        form = request.body.decode()
        assert "grant_type=client_credentials" in form and "client_secret=s3cret" in form
        issued.append(form)
        return {"access_token": "t0ken", "token_type": "Bearer", "expires_in": 3600}

    erp.route("POST", "/oauth/token", token)
    text = SOURCES.format(url=erp.url).replace(
        'auth = { type = "bearer", token_env = "API_TOKEN" }',
        f'auth = {{ type = "oauth2", token_url = "{erp.url}/oauth/token", client_id = "ardesk", '
        'client_secret_env = "API_SECRET", scope = "ar.read" }',
    )
    sources = write_sources(tmp_path, text)

    report = sync(db, sources, "api", {"API_SECRET": "s3cret"})

    assert report.inserted["accounts"] == 5
    assert len(issued) == 1  # one token for the whole run


def test_a_secret_written_in_the_file_is_refused(tmp_path):
    from connectors.config import load_sources
    from connectors.errors import SourceConfigError

    path = write_sources(
        tmp_path, '[sources.x]\nkind = "rest"\nauth = { type = "bearer", token = "abc" }\n'
    )

    with pytest.raises(SourceConfigError, match="token_env"):
        load_sources(path)
