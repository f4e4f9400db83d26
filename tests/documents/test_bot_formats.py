"""An invoice_copy request by email asking for a format ("as XRechnung") is answered with links
to that format, or, when the invoice lacks what the format needs, with what is missing and a
hand-off to AR; a preferred format set by AR applies when none is asked."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from lxml import etree
from sqlalchemy import select

from core.documents.schema_check import check
from core.models import Account, AuditEvent, Contact, Document, Invoice
from mailers.brand import EXAMPLE_BRAND_FILE
from tests.bot.conftest import world  # noqa: F401 - the bot's scenario world
from tests.bot.support import handle, outbox, text_of
from tests.web.conftest import follow, https_client, portal_settings
from web import create_app

MAIL = """\
Authentication-Results: mx.supplier.example; spf=pass smtp.mailfrom=brookfield.example;
 dkim=pass header.d=brookfield.example; dmarc=pass header.from=brookfield.example
From: Karen Whitlock <karen.whitlock@brookfield.example>
To: ar@supplier.example
Subject: Invoice INV-10423
Date: Tue, 10 Nov 2026 09:13:58 +0000
Message-ID: <{mid}@brookfield.example>
Content-Type: text/plain; charset=utf-8

Hello,

{body}

Thanks,
Karen
"""


def mail(body: str, mid: str = "fmt-1") -> bytes:
    return MAIL.format(body=body, mid=mid).encode()


@pytest.fixture
def shop(world):  # noqa: F811
    """The bot's world with the example brand, and INV-10423 complete for e-invoices."""
    world.settings = world.settings.replace(brand_file=EXAMPLE_BRAND_FILE)
    with world.admin_session() as s:
        account = s.scalars(select(Account).where(Account.erp_id == "C1001")).one()
        account.tax_id, account.country_code = "GB123456789", "GB"
        account.address_line1, account.postal_code, account.city = (
            "1 Mill Lane",
            "S1 2AB",
            "Sheffield",
        )
        account.electronic_address = "EM:ap@brookfield.example"
        invoice = s.scalars(select(Invoice).where(Invoice.number == "INV-10423")).one()
        [line] = invoice.lines
        line.tax_rate, line.tax_category = Decimal(19), "S"
    return world


def test_as_xrechnung_gets_a_link_that_downloads_a_valid_xrechnung(shop):
    decision = handle(shop, mail("Could you send invoice INV-10423 as XRechnung?"))
    assert decision["action"] == "reply" and decision["handoff"] is False
    [link] = decision["links"]
    assert link["targets"]["format"] == "xrechnung_ubl"
    [(_, message)] = outbox(shop)
    text = text_of(message)
    assert "XRechnung (UBL)" in text and link["url"] in text
    assert "Copy — original issued on" in text
    app = create_app(portal_settings(shop.settings))
    try:
        client = https_client(app)
        token = urlsplit(link["url"]).path.rsplit("/", 1)[-1]
        landed = follow(client, token)
        assert landed.status_code == 303
        file = client.get(landed.headers["Location"])
        assert file.mimetype == "application/xml"
        root = etree.fromstring(file.data)
        assert root.findtext(".//{*}LegalMonetaryTotal/{*}TaxInclusiveAmount") == "1190.00"
    finally:
        app.extensions["ardesk.db"].dispose()


def test_an_invoice_lacking_a_tax_category_is_answered_with_what_is_missing(shop):
    with shop.admin_session() as s:
        invoice = s.scalars(select(Invoice).where(Invoice.number == "INV-10423")).one()
        invoice.lines[0].tax_category = None
    decision = handle(shop, mail("Bitte senden Sie die Rechnung INV-10423 als Factur-X."))
    assert decision["handoff"] is True
    assert [a["type"] for a in decision["answers"]] == ["InvoiceCopies", "EInvoiceUnavailable"]
    assert all("format" not in link["targets"] for link in decision["links"])  # the PDF only
    reply = [text_of(m) for row, m in outbox(shop) if row.recipient.startswith("karen")]
    assert any("Factur-X" in t and "USt-Kategorie" in t for t in reply), reply


def test_a_preferred_format_set_by_ar_applies_when_none_is_asked(shop):
    with shop.admin_session() as s:
        karen = s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one()
        karen.preferred_format = "facturx"
    decision = handle(shop, mail("Please send me a copy of invoice INV-10423."))
    [link] = decision["links"]
    assert link["targets"]["format"] == "facturx"


def test_a_plain_copy_request_gets_the_invoice_page_and_a_copy_notice(shop):
    decision = handle(shop, mail("Please send me a copy of invoice INV-10423."))
    [link] = decision["links"]
    assert "format" not in link["targets"]
    [(_, message)] = outbox(shop)
    text = " ".join(text_of(message).split())
    assert "Copy — original issued on 1 Oct 2026" in text


def test_an_automation_inbox_gets_the_file_attached_stored_and_audited(shop):
    with shop.admin_session() as s:
        karen = s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one()
        karen.automation_inbox = True
    decision = handle(shop, mail("Please send invoice INV-10423 as XRechnung."))
    assert decision["links"] == []  # nothing to click
    [(_, message)] = outbox(shop)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice-INV-10423-xrechnung_ubl.xml"
    content = attachment.get_content()
    content = content if isinstance(content, bytes) else content.encode()
    check(content, "ubl-invoice")
    with shop.admin_session() as s:
        stored = s.scalars(select(Document)).one()
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.attach")).one()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()  # what /verify checks
    assert stored.verification_code in text_of(message)
    assert event.target == f"document:{stored.id}" and event.detail["kind"] == "xrechnung_ubl"


def test_a_role_that_may_not_download_gets_the_invoice_page_not_the_preferred_format(shop):
    """The account prefers XRechnung; its account manager (no ``download_documents``) is sent
    the invoice page, which his role may open, not a file link that would answer 403."""
    with shop.admin_session() as s:
        account = s.scalars(select(Account).where(Account.erp_id == "C1001")).one()
        account.preferred_format = "xrechnung_ubl"
        karen = s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one()
        karen.role = "account_manager"
    decision = handle(shop, mail("Please send me a copy of invoice INV-10423.", mid="fmt-am"))
    [link] = decision["links"]
    assert "format" not in link["targets"]
    client = https_client(create_app(portal_settings(shop.settings)))
    landed = follow(client, urlsplit(link["url"]).path.rsplit("/", 1)[-1])
    assert client.get(landed.headers["Location"]).status_code == 200
