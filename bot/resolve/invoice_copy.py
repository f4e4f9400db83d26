"""invoice_copy: a link per invoice found on the sender's account, "not found on your account" for
the rest, or a link to a filtered list ("all open invoices", "March invoices").

Asked for an e-invoice format ("as XRechnung"), or with one preferred by the contact or account,
the links download that format; an invoice lacking what the format needs gets its ordinary link,
an answer saying what is missing, and goes to AR — never an invalid file. An AP-automation
inbox gets the files attached instead of links (the e-invoice, or the ERP's original or the
copy PDF), as many as fit the reply's size limit; the rest are linked, with a note. A role that
may not download documents gets neither files nor format links: the invoice pages its role may
open."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.context import ContactRef, pick_language
from bot.resolve import einvoice
from bot.resolve.attachments import Attachments, attaches
from bot.resolve.issuer import LinkIssuer
from bot.resolve.matching import fact, find_invoices
from core.answers import Answer, EInvoiceUnavailable, InvoiceCopies, InvoiceFiles, InvoiceList
from core.documents.eligibility import missing
from core.models import OPEN_STATUSES, Invoice, LinkScope
from core.permissions import Surface, allows


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    references = list(dict.fromkeys(understanding.invoice_numbers))
    if not references:
        return [_list(session, contact, understanding, issuer)]
    # Files (attached, or e-invoice links that download one) only for a role that may download
    # documents; another role gets the invoice page its role may open.
    downloads = allows(contact.permissions, Surface.invoice_pdf)
    fmt = None
    if allows(contact.permissions, Surface.einvoice_file):
        fmt = einvoice.wanted_format(session, contact, understanding.document_format)
    attaching = None
    if downloads and attaches(session, contact, issuer):
        language = pick_language(understanding.language, contact.language)
        attaching = Attachments(session, contact, issuer, language)
    found, in_format, unavailable, not_found, seen = [], [], [], [], set()
    for reference in references:
        invoices = [
            i for i in find_invoices(session, contact.account_id, reference) if i.id not in seen
        ]
        if not invoices:
            not_found.append(reference)
        for invoice in invoices:
            seen.add(invoice.id)
            targets = {"invoice_ids": [invoice.id], "numbers": [invoice.number]}
            facts = einvoice.facts_of(session, issuer.brand, invoice.id) if fmt else None
            lacks = missing(facts, fmt) if facts and fmt else ()
            if lacks:
                unavailable.append(EInvoiceUnavailable(invoice.number, fmt, tuple(lacks)))
            elif attaching is not None:
                facts = facts or einvoice.facts_of(session, issuer.brand, invoice.id)
                if attaching.invoice(invoice.id, facts, fmt):
                    continue
            if fmt is not None and not lacks:
                link = issuer.issue(contact, LinkScope.invoice, {**targets, "format": fmt.value})
                in_format.append((fact(invoice, issuer.now.date()), link))
                continue
            link = issuer.issue(contact, LinkScope.invoice, targets)
            found.append((fact(invoice, issuer.now.date()), link, invoice.id))
    all_found = None
    if len(found) > 1:
        all_found = issuer.issue(
            contact,
            LinkScope.invoice,
            {
                "invoice_ids": sorted(i for _, _, i in found),
                "numbers": [f.number for f, _, _ in found],
            },
        )
    answers: list[Answer] = []
    files = attaching.files if attaching else []
    if files or (attaching and attaching.over_limit):
        answers.append(InvoiceFiles(tuple(files), fmt.value if fmt else None, attaching.over_limit))
    if in_format:
        answers.append(InvoiceCopies(tuple(in_format), format=fmt.value))
    if found or not_found or not (in_format or files):
        plain = tuple((f, link) for f, link, _ in found)
        answers.append(InvoiceCopies(plain, tuple(not_found), all_found))
    return [*answers, *unavailable]


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
