"""An AP-automation inbox gets the files themselves, through the whole pipeline down to the mail
server: the copy PDF (or the ERP's original) for a plain copy request, the Factur-X PDF with its
XML inside, the statement, each stored and audited like a download, and links with a note past
the size limit."""

from __future__ import annotations

import hashlib
import io
from email import message_from_bytes, policy
from email.message import EmailMessage

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from bot.outbox import deliver_due
from core.documents import new_code
from core.models import AuditEvent, Contact, Document, DocumentKind, Invoice
from tests.bot.conftest import world  # noqa: F401 - the bot's scenario world
from tests.bot.support import handle, text_of
from tests.documents.test_bot_formats import mail, shop  # noqa: F401 - INV-10423 complete
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture
def smtp():
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def inbox(shop, smtp):  # noqa: F811
    """Karen's address is an automation inbox; replies go to the loopback mail server."""
    shop.settings = shop.settings.replace(smtp_url=smtp.url)
    with shop.admin_session() as s:
        karen = s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one()
        karen.automation_inbox = True
    return shop


def _delivered(db, smtp, body: str) -> tuple[dict, EmailMessage]:
    decision = handle(db, mail(body))
    report = deliver_due(db, db.settings)
    assert report.sent == 1
    [captured] = smtp.messages
    return decision, message_from_bytes(captured.message.as_bytes(), policy=policy.default)


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )


def _attach_events(db) -> list[AuditEvent]:
    with db.admin_session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "document.attach")))


def test_a_plain_copy_request_gets_the_copy_pdf_attached(inbox, smtp):
    decision, message = _delivered(inbox, smtp, "Please send me a copy of invoice INV-10423.")
    assert decision["links"] == []  # nothing to click
    files = _attachments(message)
    assert list(files) == ["invoice-INV-10423.pdf"]
    pdf = files["invoice-INV-10423.pdf"]
    text = _pdf_text(pdf)
    assert "INV-10423" in text and "Copy — original issued on 1 Oct 2026" in text
    assert "Subtotal €1,000.00 Tax €190.00 Total €1,190.00" in text
    with inbox.admin_session() as s:
        stored = s.scalars(select(Document)).one()
    assert stored.kind is DocumentKind.rendered_invoice
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()  # what /verify checks
    assert stored.verification_code in text and stored.verification_code in text_of(message)
    [event] = _attach_events(inbox)
    assert event.target == f"document:{stored.id}" and event.detail["kind"] == "rendered_invoice"


def test_factur_x_is_attached_with_its_xml_inside(inbox, smtp):
    _, message = _delivered(inbox, smtp, "Please send invoice INV-10423 as Factur-X.")
    files = _attachments(message)
    pdf = files["invoice-INV-10423-facturx.pdf"]
    assert "INV-10423" in _pdf_text(pdf)
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    root = etree.fromstring(xml)
    assert root.findtext(".//{*}ExchangedDocument/{*}ID") == "INV-10423"
    assert root.findtext(".//{*}GrandTotalAmount") == "1190.00"
    [event] = _attach_events(inbox)
    assert event.detail["kind"] == "facturx"


def test_the_erp_original_goes_as_sent_when_there_is_one(inbox, smtp):
    original = b"%PDF-1.4 the ERP's own invoice INV-10423"
    with inbox.admin_session() as s:
        invoice = s.scalars(select(Invoice).where(Invoice.number == "INV-10423")).one()
        s.add(
            Document(
                account_id=invoice.account_id,
                invoice_id=invoice.id,
                kind=DocumentKind.erp_original,
                sha256=hashlib.sha256(original).hexdigest(),
                verification_code=new_code(),
                content_type="application/pdf",
                filename="INV-10423.pdf",
                size=len(original),
                content=original,
            )
        )
    _, message = _delivered(inbox, smtp, "Please send me a copy of invoice INV-10423.")
    assert _attachments(message) == {"INV-10423.pdf": original}
    with inbox.admin_session() as s:
        [stored] = s.scalars(select(Document)).all()  # no copy rendered beside it
    [event] = _attach_events(inbox)
    assert event.target == f"document:{stored.id}" and event.detail["kind"] == "erp_original"


def test_past_the_size_limit_the_invoice_is_linked_with_a_note(inbox, smtp):
    inbox.settings = inbox.settings.replace(automation_attachment_max_bytes=1000)
    decision, message = _delivered(inbox, smtp, "Please send me a copy of invoice INV-10423.")
    assert _attachments(message) == {}
    [link] = decision["links"]
    assert link["targets"]["numbers"] == ["INV-10423"]
    text = " ".join(text_of(message).split())
    assert "One more invoice is linked below instead of attached" in text and link["url"] in text
    with inbox.admin_session() as s:
        assert s.scalars(select(Document)).all() == []  # nothing kept that was not sent
    assert _attach_events(inbox) == []


def test_a_statement_request_gets_the_statement_attached(inbox, smtp):
    decision, message = _delivered(inbox, smtp, "Could you send us a statement of our account?")
    assert decision["links"] == []
    [(name, content)] = _attachments(message).items()
    assert name.startswith("statement-") and name.endswith(".pdf")
    text = _pdf_text(content)
    assert "Statement of account" in text and "Open items as of" in text
    assert "INV-10423" in text and "INV-10424" in text  # the account's open invoices
    assert "INV-99999" not in text  # another account's
    with inbox.admin_session() as s:
        stored = s.scalars(select(Document)).one()
    assert stored.kind is DocumentKind.rendered_statement
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.verification_code in text and stored.verification_code in text_of(message)
    [event] = _attach_events(inbox)
    assert event.target == f"document:{stored.id}"


def test_a_statement_past_the_size_limit_is_linked_with_a_note(inbox, smtp):
    inbox.settings = inbox.settings.replace(automation_attachment_max_bytes=1000)
    decision, message = _delivered(inbox, smtp, "Could you send us a statement of our account?")
    assert _attachments(message) == {}
    [link] = decision["links"]
    assert link["scope"] == "statement"
    assert "The statement is linked instead of attached" in " ".join(text_of(message).split())
    assert _attach_events(inbox) == []


@pytest.mark.parametrize("may_view_payments", [True, False])
def test_the_attached_copy_lists_payments_only_for_a_role_that_may_view_them(
    inbox, smtp, may_view_payments
):
    from datetime import date

    from core.models import Account, Role, RolePermission
    from tests.support import builders as b

    with inbox.admin_session() as s:
        invoice = s.scalars(select(Invoice).where(Invoice.number == "INV-10423")).one()
        b.payment(
            s, s.get(Account, invoice.account_id), "WIRE-4711", "100.00",
            received=date(2026, 10, 15), allocations={invoice: "100.00"},
        )  # fmt: skip
        s.add(Role(name="documents_only", description="test role"))
        s.flush()
        granted = ["view_invoices", "download_documents"] + ["view_payments"] * may_view_payments
        s.add_all(RolePermission(role="documents_only", permission=p) for p in granted)
        s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one().role = (
            "documents_only"
        )
    _, message = _delivered(inbox, smtp, "Please send me a copy of invoice INV-10423.")
    text = _pdf_text(_attachments(message)["invoice-INV-10423.pdf"])
    assert "INV-10423" in text and ("WIRE-4711" in text) is may_view_payments


@pytest.mark.parametrize(
    "body",
    [
        "Please send me a copy of invoice INV-10423.",
        "Please send invoice INV-10423 as Factur-X.",
        "Please send invoice INV-10423 as XRechnung.",
    ],
)
def test_a_role_that_may_not_download_gets_no_file_only_the_page_it_may_open(inbox, smtp, body):
    """An account manager (no ``download_documents``) at an automation inbox: no file attached,
    none stored or audited, and the one link opens the invoice's page, not a download."""
    from urllib.parse import urlsplit

    from tests.web.conftest import follow, https_client, portal_settings
    from web import create_app

    with inbox.admin_session() as s:
        karen = s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one()
        karen.role = "account_manager"
    decision, message = _delivered(inbox, smtp, body)
    assert _attachments(message) == {} and _attach_events(inbox) == []
    [link] = decision["links"]
    assert "format" not in link["targets"]
    client = https_client(create_app(portal_settings(inbox.settings)))
    landed = follow(client, urlsplit(link["url"]).path.rsplit("/", 1)[-1])
    page = client.get(landed.headers["Location"])
    assert page.status_code == 200 and "INV-10423" in page.text
    assert page.headers["Content-Type"].startswith("text/html")
