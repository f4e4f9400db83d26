"""Which e-invoice format an invoice_copy answer carries: the format asked for, else the
contact's preferred one, else the account's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.context import ContactRef
from core.documents.facts import InvoiceFacts, entity_code, invoice_facts
from core.documents.formats import Format, parse_format
from core.models import Account, Contact, Invoice
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
