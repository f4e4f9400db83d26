"""dispute: an acknowledgement and a link to the invoice; the request itself goes to AR."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from bot.resolve.matching import fact, find_invoices
from core.answers import Answer, DisputeAcknowledged
from core.models import LinkScope
from core.permissions import Surface, allows


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    found, not_found = [], []
    for reference in dict.fromkeys(understanding.invoice_numbers):
        invoices = find_invoices(session, contact.account_id, reference)
        if not invoices:
            not_found.append(reference)
        for invoice in invoices:
            link = None
            if allows(contact.permissions, Surface.invoice_page):
                link = issuer.issue(
                    contact,
                    LinkScope.invoice,
                    {"invoice_ids": [invoice.id], "numbers": [invoice.number]},
                )
            if link is not None:
                found.append((fact(invoice, issuer.now.date()), link))
    return [DisputeAcknowledged(tuple(found), tuple(not_found))]
