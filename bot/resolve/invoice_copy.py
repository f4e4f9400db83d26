"""invoice_copy: a link per invoice found on the sender's account, "not found on your account" for
the rest, or a link to a filtered list ("all open invoices", "March invoices")."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from bot.resolve.matching import fact, find_invoices
from core.answers import Answer, InvoiceCopies, InvoiceList
from core.models import OPEN_STATUSES, Invoice, LinkScope


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    references = list(dict.fromkeys(understanding.invoice_numbers))
    if not references:
        return [_list(session, contact, understanding, issuer)]
    found, not_found, seen = [], [], set()
    for reference in references:
        invoices = [
            i for i in find_invoices(session, contact.account_id, reference) if i.id not in seen
        ]
        if not invoices:
            not_found.append(reference)
        for invoice in invoices:
            seen.add(invoice.id)
            link = issuer.issue(
                contact,
                LinkScope.invoice,
                {"invoice_ids": [invoice.id], "numbers": [invoice.number]},
            )
            found.append((fact(invoice, issuer.now.date()), link))
    all_found = None
    if len(found) > 1:
        all_found = issuer.issue(
            contact,
            LinkScope.invoice,
            {"invoice_ids": sorted(seen), "numbers": [f.number for f, _ in found]},
        )
    return [InvoiceCopies(tuple(found), tuple(not_found), all_found)]


def _list(session: Session, contact: ContactRef, understanding, issuer: LinkIssuer) -> InvoiceList:
    period = understanding.period
    query = (
        select(func.count()).select_from(Invoice).where(Invoice.account_id == contact.account_id)
    )
    if period is not None:
        targets = {"status": "all", "from": period.start.isoformat(), "to": period.end.isoformat()}
        query = query.where(Invoice.issue_date.between(period.start, period.end))
    else:
        targets = {"status": "open"}
        query = query.where(Invoice.status.in_(OPEN_STATUSES))
    link = issuer.issue(contact, LinkScope.list, targets)
    return InvoiceList(
        link=link,
        status=targets["status"],
        period_from=period.start if period else None,
        period_to=period.end if period else None,
        count=session.scalar(query) or 0,
    )
