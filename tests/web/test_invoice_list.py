"""The invoice list's rows, formatted in Python: links, money, dates and statuses per locale."""

from __future__ import annotations

import re

from flask import url_for

from core.models import Contact, Invoice, InvoiceStatus, LinkScope
from tests.web.conftest import follow, issue_link, open_portal


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


def test_a_list_seen_again_shows_each_invoice_as_it_is_now_and_in_the_visitors_language(
    app, client, db, world
):
    """Rows are written once per what they show, the locale and the day
    (``web.portal.list_rows``): the same page asked for again after a payment, or by the same
    contact in another language, shows the invoice as it is and in the language asked for."""
    open_portal(app, client, world.alice_contact)
    before = client.get("/invoices").text
    assert _row(before, "A-100").count("1,234.56") == 2 and "PO-A1" in _row(before, "A-100")
    with db.admin_session() as s:
        invoice = s.get(Invoice, world.invoices["A-100"])
        invoice.po_number, invoice.balance, invoice.status = "PO-LATER", 0, InvoiceStatus.paid
    after = _row(client.get("/invoices").text, "A-100")
    assert "PO-LATER" in after and "PO-A1" not in after and "€0.00" in after
    assert 'class="badge paid"' in after
    with db.admin_session() as s:
        s.get(Contact, world.alice_contact).language = "de"
    german = _row(client.get("/invoices").text, "A-100")
    assert "0,00\xa0€" in german and "Bezahlt" in german


def _row(page: str, number: str) -> str:
    found = re.search(rf"<tr>\s*<td[^>]*><a [^>]*>{number}</a>.*?</tr>", page, re.S)
    assert found, number
    return found.group(0)


def test_the_filter_form_shows_each_visitors_own_filters_and_language(app, client, world):
    """The form is rendered once per filters and language (web/fragments.py): each request
    still shows its own choices, values and labels."""
    open_portal(app, client, world.alice_contact)
    paid = client.get("/invoices?status=paid&q=A-1&min=1.00").text
    assert '<option value="paid" selected>' in paid and 'value="A-1"' in paid
    assert 'value="1.00"' in paid
    # The same values written another way are another form.
    assert 'value="1.0"' in client.get("/invoices?status=paid&q=A-1&min=1.0").text
    unfiltered = client.get("/invoices").text
    assert '<option value="all" selected>' in unfiltered and 'value="A-1"' not in unfiltered
    german = client.get("/invoices?status=paid", headers={"Accept-Language": "de"}).text
    english = client.get("/invoices?status=paid", headers={"Accept-Language": "en"}).text
    assert "Rechnungs- oder Bestellnummer" in german
    assert "Invoice or PO number" in english and "Rechnungs" not in english


def test_a_list_link_with_fixed_filters_gets_a_form_without_them(app, client, world):
    """A link's own filters are not offered in its form; the full portal's form, kept for the
    same filters, still offers them."""
    open_portal(app, client, world.alice_contact)
    assert '<select name="status">' in client.get("/invoices?status=open").text
    link = issue_link(app, world.alice_contact, LinkScope.list, {"status": "open"})
    follow(client, link.token)
    listed = client.get("/invoices?status=open").text
    assert ">A-100<" in listed and '<select name="status">' not in listed
