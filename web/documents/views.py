"""Downloads: ``/invoices/<id>/pdf`` and ``/statements/pdf``, audited, for roles that may."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import select

from core.models import Account, Document, DocumentKind, Payment, PaymentAllocation, utcnow
from core.permissions import Surface
from web.documents import blueprint, render, store
from web.portal.invoices import visible_invoice
from web.portal.statements import build, requested_statement
from web.visitor import audit, current_visitor, require, scoped

# Everything printed on an invoice PDF, hence its cache key.
INVOICE_FACTS = (
    "number", "kind", "status", "issue_date", "due_date", "currency", "subtotal", "tax", "total",
    "amount_paid", "balance", "po_number",
)  # fmt: skip
LINE_FACTS = (
    "line_no", "sku", "description", "quantity", "unit_price", "tax_rate", "net_amount",
    "tax_amount",
)  # fmt: skip


def _send(document: Document, *, cached: bool) -> Response:
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
        document.content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Verification-Code": document.verification_code,
            "Cache-Control": "private, no-store",
        },
    )


@blueprint.get("/invoices/<int:invoice_id>/pdf")
def invoice_pdf(invoice_id: int) -> ResponseReturnValue:
    invoice = visible_invoice(invoice_id, surface=Surface.invoice_pdf, with_lines=True)
    session = scoped()
    erp_original = store.original(session, invoice.id)
    if erp_original is not None:
        require(Surface.erp_original)
        return _send(erp_original, cached=True)  # the ERP's bytes, never altered
    applied = session.execute(
        select(PaymentAllocation, Payment)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(PaymentAllocation.invoice_id == invoice.id)
        .order_by(PaymentAllocation.applied_on, PaymentAllocation.id)
    ).all()
    account = session.get(Account, invoice.account_id)
    language = str(get_locale())
    facts: dict[str, Any] = {
        "invoice": [getattr(invoice, name) for name in INVOICE_FACTS],
        "lines": [[getattr(line, name) for name in LINE_FACTS] for line in invoice.lines],
        "payments": [
            [a.amount, a.applied_on, p.reference, p.received_on] for a, p in applied
        ],
        "account": [account.name, account.erp_id] if account else None,
    }
    key = render.inputs_hash("invoice", language, facts)
    document = store.cached(session, DocumentKind.rendered_invoice, key)
    if document is not None:
        return _send(document, cached=True)
    document = store.render_and_store(
        session,
        account_id=invoice.account_id,
        invoice_id=invoice.id,
        kind=DocumentKind.rendered_invoice,
        inputs_hash=key,
        filename=f"invoice-{invoice.number}.pdf",
        render=lambda code: render.render_pdf(
            "documents/invoice_pdf.html",
            invoice=invoice,
            applied=applied,
            account=account,
            code=code,
            today=utcnow().date(),
        ),
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
    language = str(get_locale())
    facts = {
        "period": wanted.as_args(),
        "account": [account.name, account.erp_id] if account else None,
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
        render=lambda code: render.render_pdf(
            "documents/statement_pdf.html",
            wanted=wanted,
            sections=content if isinstance(content, dict) else None,
            items=content if isinstance(content, list) else None,
            account=account,
            code=code,
            today=utcnow().date(),
        ),
    )
    return _send(document, cached=False)
