"""Which e-invoice format an invoice_copy answer carries (the format asked for, else the
contact's preferred one, else the account's), and the files themselves for AP-automation
inboxes: the e-invoice, the Factur-X PDF, or without a format the ERP's original or the copy."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from core.answers import AttachedFile
from core.audit import record
from core.documents import new_code
from core.documents.facts import InvoiceFacts, applied_payments, entity_code, invoice_facts
from core.documents.files import erp_original, store_file
from core.documents.formats import SPECS, Format, parse_format
from core.documents.pdf import document_file
from core.models import Account, Contact, DocumentKind, Invoice
from intents.formats import E_INVOICE
from mailers.brand import Brand

# "An e-invoice, please" with no format named and none preferred: Peppol BIS, the EU-wide one.
DEFAULT_FORMAT = Format.ubl


def wanted_format(session: Session, contact: ContactRef, asked: str | None) -> Format | None:
    named = parse_format(asked)
    if named is not None:
        return named
    person = session.get(Contact, contact.contact_id)
    account = session.get(Account, contact.account_id)
    preferred = parse_format(person.preferred_format if person else None) or parse_format(
        account.preferred_format if account else None
    )
    if preferred is not None:
        return preferred
    return DEFAULT_FORMAT if asked == E_INVOICE else None


def facts_of(session: Session, brand: Brand, invoice_id: int) -> InvoiceFacts:
    invoice = session.scalar(
        select(Invoice).options(selectinload(Invoice.lines)).where(Invoice.id == invoice_id)
    )
    assert invoice is not None  # found on the contact's account a moment ago
    account = session.get(Account, invoice.account_id)
    assert account is not None
    return invoice_facts(invoice, account, brand.legal_entity(entity_code(invoice, account)))


def attaches(session: Session, contact: ContactRef, issuer: LinkIssuer) -> bool:
    """Files go attached to an AP-automation inbox, which cannot click an interstitial, where
    the reply can carry them."""
    person = session.get(Contact, contact.contact_id)
    return bool(person and person.automation_inbox) and issuer.carries_files


@dataclass
class Attachments:
    """The files of one reply to an AP-automation inbox: each stored (so /verify knows its
    hash) and audited like a download, all of them together within ``limit`` bytes."""

    session: Session
    contact: ContactRef
    issuer: LinkIssuer
    language: str
    files: list[AttachedFile] = field(default_factory=list)
    over_limit: int = 0  # invoices linked instead: their files did not fit

    def add(self, invoice_id: int, facts: InvoiceFacts, fmt: Format | None) -> bool:
        """Attach the invoice in ``fmt`` (None: the ERP's original PDF, else the copy); False
        when it would take the reply past the limit, and the caller links it instead."""
        original = erp_original(self.session, invoice_id) if fmt is None else None
        code = original.verification_code if original else new_code()
        content = original.content if original else self._render(invoice_id, facts, fmt, code)
        used = sum(len(f.content) for f in self.files)
        if used + len(content) > self.issuer.attachment_limit:
            self.over_limit += 1
            return False
        document = original or store_file(
            self.session,
            account_id=self.contact.account_id,
            invoice_id=invoice_id,
            kind=SPECS[fmt].kind if fmt else DocumentKind.rendered_invoice,
            code=code,
            content=content,
            filename=_filename(facts.number, fmt),
            content_type=SPECS[fmt].content_type if fmt else "application/pdf",
        )
        record(
            self.session,
            "document.attach",
            actor="bot",
            account_id=self.contact.account_id,
            contact_id=self.contact.contact_id,
            target=f"document:{document.id}",
            kind=document.kind.value,
            invoice_id=invoice_id,
            verification_code=document.verification_code,
        )
        self.files.append(
            AttachedFile(facts.number, document.filename, document.content_type, code, content)
        )
        return True

    def _render(self, invoice_id: int, facts: InvoiceFacts, fmt: Format | None, code: str) -> bytes:
        return document_file(
            fmt,
            facts,
            applied_payments(self.session, invoice_id),
            language=self.language,
            letterhead=self.issuer.brand.letterhead,
            base_url=self.issuer.base_url,
            code=code,
            today=self.issuer.now.date(),
        )


def _filename(number: str, fmt: Format | None) -> str:
    """As the portal names its downloads."""
    if fmt is None:
        return f"invoice-{number}.pdf"
    return f"invoice-{number}-{fmt.value}{SPECS[fmt].suffix}"
