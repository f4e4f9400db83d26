"""What a customer sees after the ERP changes something, whatever the source: deletions, credit
notes applied, customers merged and renamed, partial and foreign-currency payments, and the
failures a run must survive (a page failing mid-run, throttling, a token expiring)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.config import load_source
from connectors.sources.rest import RestConnector
from connectors.sync.engine import SyncFailed
from core.audit import record
from core.freshness import data_as_of
from core.links import LinkSigner, issue
from core.models import (
    AccessLink,
    Account,
    AuditEvent,
    Contact,
    Invoice,
    LinkScope,
    PaymentAllocation,
    SyncRun,
)
from tests.connectors.conftest import (
    invoice,
    invoice_gone,
    nothing_changed,
    snapshot,
    sync,
    write_sources,
)
from tests.connectors.fake_erp import Reply

STAMP = "2026-10-01T10:00:00Z"
LATER = "2026-10-05T10:00:00Z"
SOURCES = """
[sources.erp]
kind = "rest"
base_url = "{url}/api"
items = "data"
attempts = 2
http_backoff_s = 0
[sources.erp.auth]
type = "oauth2"
token_url = "{url}/oauth/token"
client_id = "ardesk"
client_secret_env = "ERP_SECRET"
[sources.erp.endpoints]
accounts = "/customers"
contacts = "/contacts"
payments = "/payments"
invoices = {{ path = "/invoices", params = {{ since = "{{since}}" }}, paging = {{ type = "page", limit = 2 }} }}
[sources.erp.mapping.accounts]
erp_id = "id"
name = "name"
currency = "currency"
updated_at = "updated"
[sources.erp.mapping.contacts]
erp_id = "id"
account = "customer"
email = "email"
name = "name"
[sources.erp.mapping.invoices]
erp_id = "id"
account = "customer"
issue_date = "date"
currency = "currency"
total = "total"
kind = {{ field = "type", values = {{ credit = "credit_note" }}, other = "invoice" }}
updated_at = "updated"
[sources.erp.mapping.payments]
erp_id = "id"
account = "customer"
received_on = "date"
currency = "currency"
amount = "amount"
updated_at = "updated"
[sources.erp.mapping.allocations]
nested = "applied"
invoice = "invoice"
amount = "amount"
"""  # noqa: E501
SECRET = {"ERP_SECRET": "s3cret"}


def document(id_: str, customer: str, total: str, currency="EUR", **fields) -> dict:
    return {"id": id_, "customer": customer, "date": "2026-09-01", "currency": currency,
            "total": Decimal(total), "updated": STAMP, **fields}  # fmt: skip


def paid(id_: str, customer: str, amount: str, applied: list, currency="EUR") -> dict:
    return {"id": id_, "customer": customer, "date": "2026-09-20", "currency": currency,
            "amount": Decimal(amount), "updated": STAMP,
            "applied": [{"invoice": i, "amount": Decimal(a)} for i, a in applied]}  # fmt: skip


class Ledger:
    """The ERP's data, changed by the tests between runs, served in its wire format."""

    def __init__(self, erp) -> None:
        self.customers = [
            {"id": "CU1", "name": "Adatum Corporation", "currency": "EUR", "updated": STAMP},
            {"id": "CU2", "name": "Adatum Europe", "currency": "EUR", "updated": STAMP},
        ]
        self.contacts = [
            {"id": "K1", "customer": "CU1", "email": "ap@adatum.example", "name": "AP"},
            {"id": "K2", "customer": "CU2", "email": "ap@adatum.eu.example", "name": "AP EU"},
        ]
        self.invoices = [
            document("INV-1", "CU1", "119.00"),
            document("INV-2", "CU2", "50.00"),
            document("CN-1", "CU2", "20.00", type="credit"),
            document("INV-3", "CU1", "200.00", currency="USD"),
        ]
        self.payments: list[dict] = []
        self.tokens = 0
        erp.route("POST", "/oauth/token", self.token)
        erp.route("GET", "/api/customers", lambda r: self.listing(r, self.customers))
        erp.route("GET", "/api/contacts", lambda r: self.listing(r, self.contacts))
        erp.route("GET", "/api/invoices", self.invoice_pages)
        erp.route("GET", "/api/payments", lambda r: self.listing(r, self.payments))

    def token(self, _request):
        self.tokens += 1
        return {"access_token": f"token-{self.tokens}", "expires_in": 3600}

    def authorized(self, request) -> bool:
        return request.headers.get("authorization") == f"Bearer token-{self.tokens}"

    def listing(self, request, rows):
        if not self.authorized(request):
            return Reply(401, {"error": {"code": "invalid_token", "message": "expired"}})
        return {"data": rows}

    def invoice_pages(self, request):
        if not self.authorized(request):
            return Reply(401, {"error": {"code": "invalid_token", "message": "expired"}})
        since = request.query.get("since")
        rows = [i for i in self.invoices if not since or i["updated"] > since]
        page, size = int(request.query["page"]), int(request.query["per_page"])
        return {"data": rows[(page - 1) * size : page * size]}


@pytest.fixture
def ledger(erp) -> Ledger:
    return Ledger(erp)


@pytest.fixture
def sources(erp, ledger, tmp_path):
    return write_sources(tmp_path, SOURCES.format(url=erp.url))


def account(db, erp_id: str) -> Account:
    with db.admin_session() as s:
        return s.scalars(select(Account).where(Account.erp_id == erp_id)).one()


def portal_link(db, email: str) -> str:
    with db.admin_session() as s:
        contact = s.scalars(select(Contact).where(Contact.email == email)).one()
        issued = issue(s, LinkSigner("k" * 40), "https://ar.example", contact, LinkScope.portal,
                       ttl=timedelta(hours=4))  # fmt: skip
        return issued.id


def test_a_deleted_invoice_leaves_the_portal_and_its_audit_trail_stays(db, ledger, sources):
    sync(db, sources, "erp", SECRET)
    gone = invoice(db, "INV-2")
    with db.admin_session() as s:
        record(s, "document.download", actor="contact:1", account_id=gone.account_id,
               target=f"invoice:{gone.id}")  # fmt: skip
    ledger.invoices = [i for i in ledger.invoices if i["id"] != "INV-2"]

    report = sync(db, sources, "erp", SECRET, full=True)

    assert report.removed["invoices"] == 1
    assert invoice_gone(db, "INV-2")
    with db.admin_session() as s:
        assert gone.id not in s.scalars(
            select(Invoice.id).where(Invoice.account_id == gone.account_id)
        )
        trail = s.execute(
            select(AuditEvent.action, AuditEvent.target, AuditEvent.detail)
            .where(AuditEvent.target == f"invoice:{gone.id}")
            .order_by(AuditEvent.id)
        ).all()
    assert [(action, target) for action, target, _ in trail] == [
        ("document.download", f"invoice:{gone.id}"),
        ("invoice.removed", f"invoice:{gone.id}"),
    ]
    assert trail[1].detail["number"] == "INV-2"

    assert nothing_changed(sync(db, sources, "erp", SECRET, full=True))  # removed once


def test_a_credit_note_applied_to_an_invoice_is_an_allocation_on_both(db, ledger, sources):
    # The ERP applies the credit note: a zero payment that settles 20 of INV-2 with CN-1.
    ledger.payments = [paid("APPLY-1", "CU2", "0.00", [("INV-2", "20.00"), ("CN-1", "-20.00")])]

    report = sync(db, sources, "erp", SECRET)

    assert report.rejected == []
    second, credit = invoice(db, "INV-2"), invoice(db, "CN-1")
    assert (second.amount_paid, second.balance, second.status) == (
        Decimal(20), Decimal(30), "partially_paid"
    )  # fmt: skip
    assert (credit.total, credit.balance, credit.status) == (Decimal(-20), Decimal(0), "paid")
    with db.admin_session() as s:
        amounts = sorted(s.scalars(select(PaymentAllocation.amount)))
    assert amounts == [Decimal(-20), Decimal(20)]


def test_partial_payments_add_up_on_the_invoice(db, ledger, sources):
    ledger.payments = [
        paid("P-1", "CU1", "50.00", [("INV-1", "50.00")]),
        paid("P-2", "CU1", "30.00", [("INV-1", "30.00")]),
    ]

    sync(db, sources, "erp", SECRET)

    first = invoice(db, "INV-1")
    assert (first.amount_paid, first.balance, first.status) == (
        Decimal(80), Decimal(39), "partially_paid"
    )  # fmt: skip


def test_payments_never_add_across_currencies(db, ledger, sources):
    ledger.payments = [
        paid("P-USD", "CU1", "200.00", [("INV-3", "200.00")], currency="USD"),
        paid("P-EUR", "CU1", "119.00", [("INV-3", "119.00")]),  # EUR applied to a USD invoice
    ]

    report = sync(db, sources, "erp", SECRET)

    [refused] = [r for r in report.rejected if r.record == "payments"]
    assert refused.reason == "a EUR payment applied to 'INV-3' in USD"
    dollars = invoice(db, "INV-3")
    assert (dollars.currency, dollars.amount_paid, dollars.status) == ("USD", Decimal(200), "paid")
    assert invoice(db, "INV-1").currency == "EUR"


def test_a_merged_customer_hands_over_its_invoices_and_contacts(db, ledger, sources):
    sync(db, sources, "erp", SECRET)
    merged_link = portal_link(db, "ap@adatum.eu.example")
    surviving_link = portal_link(db, "ap@adatum.example")
    # The ERP merges CU2 into CU1: CU2 is gone, its documents and people are CU1's now.
    ledger.customers = ledger.customers[:1]
    for row in ledger.invoices:
        if row["customer"] == "CU2":
            row.update(customer="CU1", updated=LATER)
    ledger.contacts[1]["customer"] = "CU1"

    sync(db, sources, "erp", SECRET, full=True)

    survivor = account(db, "CU1")
    assert invoice(db, "INV-2").account_id == survivor.id
    assert invoice(db, "CN-1").account_id == survivor.id
    with db.admin_session() as s:
        moved = s.scalars(select(Contact).where(Contact.email == "ap@adatum.eu.example")).one()
        assert moved.account_id == survivor.id
        revoked = {link.id: link.revoked_at is not None for link in s.scalars(select(AccessLink))}
        audited = s.scalars(select(AuditEvent.link_id).where(AuditEvent.action == "link.revoke"))
        assert list(audited) == [merged_link]
    assert account(db, "CU2").status == "closed"
    assert revoked == {merged_link: True, surviving_link: False}


def test_a_renamed_customer_keeps_its_links(db, ledger, sources):
    sync(db, sources, "erp", SECRET)
    link = portal_link(db, "ap@adatum.example")
    ledger.customers[0].update(name="Adatum Holdings plc", updated=LATER)

    sync(db, sources, "erp", SECRET)

    assert account(db, "CU1").name == "Adatum Holdings plc"
    with db.admin_session() as s:
        assert s.get(AccessLink, link).revoked_at is None


def test_a_page_failing_mid_run_leaves_the_data_as_it_was(db, erp, ledger, sources):
    sync(db, sources, "erp", SECRET)
    before = snapshot(db)
    for row in ledger.invoices:
        row.update(total=row["total"] + 1, updated=LATER)
    served = ledger.invoice_pages

    def second_page_down(request):
        if request.query["page"] == "2":
            return Reply(503, "<html>upstream down</html>", content_type="text/html")
        return served(request)

    erp.route("GET", "/api/invoices", second_page_down)

    with pytest.raises(SyncFailed, match="HTTP 503"):
        sync(db, sources, "erp", SECRET)

    assert snapshot(db) == before  # the first page's changes went back with the run


def test_a_token_that_expires_mid_run_is_renewed_once(db, erp, ledger, sources):
    served = ledger.invoice_pages

    def expire_before_second_page(request):
        if request.query["page"] == "2" and ledger.tokens == 1:
            ledger.tokens = 2  # the server forgets token-1; the next one it hands out is 3
        return served(request)

    erp.route("GET", "/api/invoices", expire_before_second_page)

    report = sync(db, sources, "erp", SECRET)

    assert report.inserted["invoices"] == 4
    assert ledger.tokens == 3  # one renewal, then the run went on with the new token


def test_throttling_waits_for_retry_after(erp, ledger, sources):
    waits: list[float] = []
    erp.fail_next("/api/customers", Reply(429, {"error": "slow down"}, {"Retry-After": "7"}))
    erp.fail_next("/api/customers", Reply(503, "busy", {"Retry-After": "3"}, "text/plain"))
    config = load_source(sources, "erp", environ=SECRET)

    with RestConnector(config, sleep=waits.append) as connector:
        accounts = list(connector.accounts(None))

    assert len(accounts) == 2
    assert waits == [7.0, 3.0]


def test_data_as_of_is_the_start_of_the_last_successful_sync(db, erp, ledger, sources):
    sync(db, sources, "erp", SECRET)
    with db.admin_session() as s:
        started = s.scalars(select(SyncRun.started_at)).one()
        first = account(db, "CU1")
        assert data_as_of(s, first.id) == started
    erp.fail_next("/api/customers", Reply(500, {"error": "down"}), 10)

    with pytest.raises(SyncFailed):
        sync(db, sources, "erp", SECRET)

    with db.admin_session() as s:
        assert data_as_of(s, first.id) == started  # a failed run confirms nothing
