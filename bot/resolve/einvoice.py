"""Which e-invoice format an invoice_copy answer carries, whether each invoice has what it needs,
and the files themselves for AP-automation inboxes: the format asked for, else the contact's
preferred one, else the account's."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.context import ContactRef
from core.answers import AttachedFile
from core.audit import record
from core.documents import new_code
from core.documents.einvoice import xml_for
from core.documents.facts import InvoiceFacts, entity_code, invoice_facts
from core.documents.formats import SPECS, Format, parse_format
from core.models import Account, Contact, Document, Invoice
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


def attaches(session: Session, contact: ContactRef, fmt: Format) -> bool:
    """Files go attached to an AP-automation inbox, which cannot click an interstitial. Only
    the XML formats: Factur-X is a rendered PDF, which the portal makes."""
    person = session.get(Contact, contact.contact_id)
    return bool(person and person.automation_inbox) and fmt is not Format.facturx


def attach(
    session: Session, contact: ContactRef, invoice_id: int, facts: InvoiceFacts, fmt: Format
) -> AttachedFile:
    """The e-invoice as a file: stored (so /verify knows its hash) and audited like a download."""
    content = xml_for(facts, fmt)
    spec = SPECS[fmt]
    document = Document(
        account_id=contact.account_id,
        invoice_id=invoice_id,
        kind=spec.kind,
        sha256=hashlib.sha256(content).hexdigest(),
        verification_code=new_code(),
        content_type=spec.content_type,
        filename=f"invoice-{facts.number}-{fmt.value}{spec.suffix}",
        size=len(content),
        content=content,
    )
    session.add(document)
    session.flush()
    record(
        session,
        "document.attach",
        actor="bot",
        account_id=contact.account_id,
        contact_id=contact.contact_id,
        target=f"document:{document.id}",
        kind=spec.kind.value,
        invoice_id=invoice_id,
        verification_code=document.verification_code,
    )
    return AttachedFile(
        facts.number, document.filename, spec.content_type, document.verification_code, content
    )
