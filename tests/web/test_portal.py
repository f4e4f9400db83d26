"""The portal pages: what each scope and role shows, and nothing of another account."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from core.models import AuditEvent, InboundMessage, InboundStatus, LinkScope
from tests.support import builders as b
from tests.web.conftest import csrf_token, follow, issue_link, open_portal


def test_it_shows_the_overview_with_balance_overdue_and_aging(app, client, world):
    open_portal(app, client, world.alice_contact)
    page = client.get("/")
    assert page.status_code == 200
    assert "Alice Manufacturing" in page.text and "Bob" not in page.text
    assert "Open balance" in page.text and "€1,234.56" in page.text
    assert "<svg" in page.text and "Over 90 days" in page.text


def test_another_accounts_invoice_reads_as_not_found(app, client, world):
    open_portal(app, client, world.alice_contact)
    bobs = world.invoices["B-100"]
    for url in (f"/invoices/{bobs}", f"/invoices/{bobs}/pdf", "/invoices/999999"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client.get(f"/invoices/{world.invoices['A-100']}").text)
    assert client.post(f"/invoices/{bobs}/dispute", data={"csrf_token": token}).status_code == 404
    search = client.get("/invoices?q=B-100")
    assert ">B-100<" not in search.text
    assert "No invoices match" in search.text


def test_it_filters_searches_sorts_and_pages_the_invoice_list(app, client, db, world):
    with db.admin_session() as s:
        from core.models import Account

        alice = s.get(Account, world.alice)
        for n in range(120):
            b.invoice(s, alice, f"X-{n:04d}", f"{n + 1}.00", issued=date(2025, 1, 1 + n % 28))
    open_portal(app, client, world.alice_contact)
    first = client.get("/invoices?sort=number&dir=asc")
    assert first.status_code == 200
    assert "122 invoices" in first.text
    assert first.text.index("A-100") < first.text.index("X-0000")
    seen = []
    url = "/invoices?sort=number&dir=asc"
    while url:
        page = client.get(url)
        seen += [n for n in ("A-100", "X-0049", "X-0050", "X-0119") if f">{n}<" in page.text]
        marker = 'rel="next"'
        if marker not in page.text:
            break
        href = page.text.split(marker)[0].rsplit('href="', 1)[1].split('"')[0]
        url = href.replace("&amp;", "&")
    assert seen == ["A-100", "X-0049", "X-0050", "X-0119"]
    assert ">A-101<" in client.get("/invoices?status=paid").text
    assert ">A-101<" not in client.get("/invoices?status=open").text
    assert ">A-100<" in client.get("/invoices?q=PO-A1").text
    assert ">X-0007<" in client.get("/invoices?q=0007").text
    assert "1 invoice" in client.get("/invoices?min=1000&max=2000").text
    assert client.get("/invoices?from=notadate").status_code == 400


def test_a_list_link_keeps_its_own_filters(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.list, {"status": "open"})
    follow(client, link.token)
    page = client.get("/invoices?status=all")
    assert ">A-100<" in page.text and ">A-101<" not in page.text
    assert client.get(f"/invoices/{world.invoices['A-101']}").status_code == 404


def test_an_account_manager_sees_lists_but_no_documents(app, client, world):
    open_portal(app, client, world.manager)
    invoice = client.get(f"/invoices/{world.invoices['A-100']}")
    assert invoice.status_code == 200 and "Download PDF" not in invoice.text
    assert client.get(f"/invoices/{world.invoices['A-100']}/pdf").status_code == 403
    assert client.get("/payments").status_code == 403
    assert "Something wrong with this invoice" not in invoice.text


def test_a_finance_approver_raises_a_dispute_that_reaches_ar(app, client, db, world):
    open_portal(app, client, world.approver)
    invoice_id = world.invoices["A-100"]
    page = client.get(f"/invoices/{invoice_id}")
    assert "Something wrong with this invoice" in page.text
    sent = client.post(
        f"/invoices/{invoice_id}/dispute",
        data={"csrf_token": csrf_token(page.text), "comment": "Line 1 was never delivered."},
    )
    assert sent.status_code == 303
    assert "accounts-receivable team" in client.get(sent.headers["Location"]).text
    with db.admin_session() as s:
        (handoff,) = s.scalars(select(InboundMessage)).all()
        assert handoff.status == InboundStatus.handed_off and handoff.channel == "portal"
        assert handoff.account_id == world.alice and handoff.contact_id == world.approver
        assert handoff.raw == b"Line 1 was never delivered."
        assert handoff.decision["understanding"]["invoice_numbers"] == ["A-100"]


def test_an_ap_contact_cannot_raise_a_dispute(app, client, world):
    open_portal(app, client, world.alice_contact)
    page = client.get(f"/invoices/{world.invoices['A-100']}")
    assert "Something wrong with this invoice" not in page.text
    refused = client.post(
        f"/invoices/{world.invoices['A-100']}/dispute",
        data={"csrf_token": csrf_token(page.text), "comment": "x"},
    )
    assert refused.status_code == 403


def test_it_shows_payments_with_their_allocations(app, client, world):
    open_portal(app, client, world.alice_contact)
    page = client.get("/payments")
    assert "A-PAY" in page.text and ">A-101<" in page.text and "B-PAY" not in page.text


def test_it_shows_a_statement_for_a_period_and_a_statement_link_only_its_own(app, client, world):
    open_portal(app, client, world.alice_contact)
    page = client.get("/statements?from=2026-01-01&to=2026-03-31")
    assert page.status_code == 200
    assert "Opening balance" in page.text and "Closing balance" in page.text
    assert "€1,234.56" in page.text and "A-PAY" in page.text
    assert client.get("/statements?from=2026-03-01&to=2026-01-01").status_code == 400

    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    link = issue_link(app, world.alice_contact, LinkScope.statement, {"as_of": "2026-02-15"})
    follow(other, link.token)
    own = other.get("/statements?from=2020-01-01&to=2026-12-31")
    assert "Open items as of" in own.text and ">A-100<" in own.text
    assert 'href="/invoices/' not in own.text  # the statement's invoices are not in scope
    assert other.get("/invoices").status_code == 404


def test_it_exports_the_filtered_list_as_csv_and_xlsx(app, client, world):
    open_portal(app, client, world.alice_contact)
    exported = client.get("/invoices/export.csv?status=all&sort=number&dir=asc")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["number"] for r in rows] == ["A-100", "A-101"]
    assert rows[0]["total"] == "1234.56" and rows[0]["currency"] == "EUR"
    assert rows[1]["balance"] == "0.00" and rows[1]["status"] == "paid"
    workbook = load_workbook(io.BytesIO(client.get("/invoices/export.xlsx?status=open").data))
    sheet = workbook.active
    values = list(sheet.values)
    assert values[0][0] == "number" and len(values) == 2
    assert values[1][0] == "A-100" and float(values[1][9]) == 1234.56
    with app.extensions["ardesk.db"].admin_session() as s:
        formats = [
            e.detail["format"]
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "invoices.export"))
        ]
    assert formats == ["csv", "xlsx"]


def test_show_me_all_my_invoices_emails_a_portal_link_to_the_contact_on_file(app, client, world):
    invoice_id = world.invoices["A-100"]
    link = issue_link(app, world.alice_contact, LinkScope.invoice, {"invoice_ids": [invoice_id]})
    follow(client, link.token)
    page = client.get(f"/invoices/{invoice_id}")
    done = client.post("/everything", data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    from core.models import AccessLink, OutboundMessage

    with app.extensions["ardesk.db"].admin_session() as s:
        (mail,) = s.scalars(select(OutboundMessage)).all()
        assert mail.recipient == "ap@alice.example"
        portal = s.scalars(select(AccessLink).where(AccessLink.scope == LinkScope.portal)).one()
        assert portal.contact_id == world.alice_contact


def test_the_overview_says_how_current_the_data_is(app, client, world, db):
    from datetime import UTC, datetime

    from core.models import Account

    open_portal(app, client, world.alice_contact)
    assert "Data as of" not in client.get("/").text  # never synced: nothing to claim
    with db.admin_session() as s:
        s.get(Account, world.alice).data_as_of = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    assert "Data as of 28 Nov 2026" in client.get("/").text
