"""Downloads: ``/invoices/<id>/pdf``, ``/invoices/<id>/e-invoice/<format>`` and
``/statements/pdf``, audited, for roles that may."""

from __future__ import annotations

import re

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from core.documents import pdf
from core.documents.eligibility import missing
from core.documents.facts import applied_payments, buyer_of, invoice_facts
from core.documents.formats import SPECS, Format, parse_format
from core.driver_statements import Prefetch
from core.models import Account, Document, DocumentKind, utcnow
from core.permissions import Surface, copy_payments_for
from web import prefetch
from web.documents import blueprint, reads, render, store
from web.documents.render import brand
from web.extensions import app_settings
from web.i18n import page_locale
from web.portal.invoices import facts_for, seller_of, visible_invoice
from web.portal.scope import invoice_conditions
from web.portal.statements import build, requested_statement
from web.visitor import audit, current_visitor, require, scoped, scoped_connection


def _send(
    document: Document | reads.StoredDocument, *, cached: bool, content: bytes | None = None
) -> Response:
    audit(
        "document.download",
        f"document:{document.id}",
        kind=document.kind.value,
        invoice_id=document.invoice_id,
        verification_code=document.verification_code,
        cached=cached,
    )
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", document.filename) or "document.pdf"
    return Response(
        document.content if content is None else content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Verification-Code": document.verification_code,
            "Cache-Control": "private, no-store",
        },
    )


def _render(fmt: Format | None, facts, applied, language: str, code: str) -> bytes:
    """The copy PDF (``fmt`` None) or an e-invoice, made as the bot makes the files it
    attaches (``core.documents.pdf``)."""
    return pdf.document_file(fmt, facts, applied, _rendering(language, code))


def _rendering(language: str, code: str) -> pdf.Rendering:
    return pdf.Rendering(
        language, brand().letterhead, app_settings().base_url, code, utcnow().date()
    )


def _einvoice_key(kind: str, facts, applied) -> str:
    """An e-invoice's cache key: the hash of its facts and the payments it lists."""
    payments = [[p.amount, p.applied_on, p.reference, p.currency] for p in applied]
    return render.inputs_hash(kind, str(get_locale()), {"facts": facts, "payments": payments})


@prefetch.predicts("documents.invoice_pdf")
def _copy_ahead(account_id: int, hints: prefetch.Hints) -> Prefetch | None:
    """The statement ``invoice_pdf`` asks first, as it will for this visitor if the session
    is as it was (a narrower link's copy is found by a statement of its own)."""
    if not hints.whole_portal:
        return None
    language = str(page_locale(hints.language))
    prefix = render.copy_prefix(language, hints.with_payments)
    return reads.copy_ahead(account_id, request.view_args["invoice_id"], prefix)


@blueprint.get("/invoices/<int:invoice_id>/pdf")
def invoice_pdf(invoice_id: int) -> ResponseReturnValue:
    """The copy, from the cache while nothing it states has changed: one statement
    (``reads.copy``) works out the cache key and finds the stored copy; the invoice's facts are
    read only when the copy has to be rendered."""
    visitor = require(Surface.invoice_pdf)
    connection = scoped_connection()
    account_id = visitor.account_id
    language = str(get_locale())
    with_payments = visitor.allows(Surface.copy_payments)
    prefix = render.copy_prefix(language, with_payments)
    conditions = invoice_conditions(visitor)
    copy = reads.copy(connection, account_id, invoice_id, prefix, conditions)
    if copy is None:
        abort(404)
    if copy.has_original:
        require(Surface.erp_original)
        original = reads.original(connection, account_id, copy.invoice_id)
        body = reads.content(connection, account_id, original)
        return _send(original, cached=True, content=body)  # as the ERP sent it
    if copy.stored is not None:
        body = reads.content(connection, account_id, copy.stored)
        return _send(copy.stored, cached=True, content=body)
    read = reads.invoice(connection, account_id, copy.invoice_id)
    if read is None:  # removed by a sync since the first read
        abort(404)
    found, account = read
    lines = reads.lines(connection, account_id, found.id)
    facts = invoice_facts(found, account, seller_of(found, account), lines)
    session = scoped()
    applied = copy_payments_for(visitor.permissions, applied_payments(session, found.id))
    stored = store.render_and_store(
        session,
        account_id=account_id,
        invoice_id=found.id,
        kind=DocumentKind.rendered_invoice,
        inputs_hash=copy.key,
        filename=f"invoice-{found.number}.pdf",
        render=lambda code: _render(None, facts, applied, language, code),
    )
    return _send(stored, cached=False)


@blueprint.get("/invoices/<int:invoice_id>/e-invoice/<name>")
def e_invoice(invoice_id: int, name: str) -> ResponseReturnValue:
    """The invoice in an e-invoice format, when it has what the format requires; otherwise a
    page saying what it lacks (409), never a file that breaks the format."""
    fmt = parse_format(name)
    if fmt is None:
        abort(404)
    invoice = visible_invoice(invoice_id, surface=Surface.einvoice_file, with_lines=True)
    session = scoped()
    facts = facts_for(invoice)
    lacking = missing(facts, fmt)
    if lacking:
        audit("document.refused", f"invoice:{invoice.id}", format=fmt.value,
              missing=[m.value for m in lacking])  # fmt: skip
        page = render_template(
            "documents/not_eligible.html", invoice=invoice, spec=SPECS[fmt], missing=lacking
        )
        return page, 409
    spec = SPECS[fmt]
    applied = ()
    if fmt is Format.facturx:  # the only format whose PDF lists them
        permissions = current_visitor().permissions
        applied = copy_payments_for(permissions, applied_payments(session, invoice.id))
    key = _einvoice_key(fmt.value, facts, applied)
    document = store.cached(session, spec.kind, key)
    if document is not None:
        return _send(document, cached=True)
    language = str(get_locale())
    document = store.render_and_store(
        session,
        account_id=invoice.account_id,
        invoice_id=invoice.id,
        kind=spec.kind,
        inputs_hash=key,
        filename=f"invoice-{invoice.number}-{fmt.value}{spec.suffix}",
        render=lambda code: _render(fmt, facts, applied, language, code),
        content_type=spec.content_type,
    )
    return _send(document, cached=False)


@blueprint.get("/statements/pdf")
def statement_pdf() -> ResponseReturnValue:
    visitor = current_visitor()
    wanted = requested_statement(visitor, Surface.statement_pdf)
    if wanted is None:
        abort(400)
    session = scoped()
    content = build(session, visitor, wanted)
    account = session.get(Account, visitor.account_id)
    assert account is not None  # the visitor's own account
    buyer = buyer_of(account)
    issuer = brand().legal_entity(account.legal_entity)
    language = str(get_locale())
    facts = {
        "period": wanted.as_args(),
        "account": buyer,
        "issuer": account.legal_entity,
        "content": (
            {c: [s.opening_balance, s.entries] for c, s in content.items()}
            if isinstance(content, dict)
            else content
        ),
    }
    key = render.inputs_hash("statement", language, repr(facts))
    document = store.cached(session, DocumentKind.rendered_statement, key)
    if document is not None:
        return _send(document, cached=True)
    suffix = "-".join(wanted.as_args().values())
    document = store.render_and_store(
        session,
        account_id=visitor.account_id,
        kind=DocumentKind.rendered_statement,
        inputs_hash=key,
        filename=f"statement-{suffix}.pdf",
        render=lambda code: pdf.statement(
            content,
            pdf.StatementPeriod(wanted.start, wanted.end),
            _rendering(language, code),
            buyer=buyer,
            issuer=issuer,
        ),
    )
    return _send(document, cached=False)
