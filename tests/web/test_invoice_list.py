"""The invoice list's rows, formatted in Python: links, money, dates and statuses per locale."""

from __future__ import annotations

from flask import url_for

from core.models import Contact, Invoice
from tests.web.conftest import open_portal


def test_each_row_links_to_its_invoice_page(app, client, world):
    open_portal(app, client, world.alice_contact)
    page = client.get("/invoices").text
    with app.test_request_context():
        for number in ("A-100", "A-101"):
            href = url_for("portal.invoice", invoice_id=world.invoices[number])
            assert f'<a href="{href}">{number}</a>' in page


def test_a_german_contact_reads_german_money_dates_and_statuses(app, client, db, world):
    with db.admin_session() as s:
        s.get(Contact, world.alice_contact).language = "de"
    open_portal(app, client, world.alice_contact)
    page = client.get("/invoices").text
    assert "1.234,56\xa0€" in page and "05.01.2026" in page
    assert '<span class="badge paid">Bezahlt</span>' in page


def test_erp_text_in_a_row_is_written_as_text_not_markup(app, client, db, world):
    hostile = '<img src=x onerror="alert(1)">&'
    with db.admin_session() as s:
        s.get(Invoice, world.invoices["A-100"]).po_number = hostile
    open_portal(app, client, world.alice_contact)
    page = client.get("/invoices").text
    assert hostile not in page and "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in page
