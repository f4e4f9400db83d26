"""Invoice list and invoice page, and the dispute form that hands an invoice to AR."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from core.documents.eligibility import eligible_formats
from core.documents.facts import InvoiceFacts, applied_payments, entity_code, invoice_facts
from core.documents.formats import SPECS
from core.documents.parties import LegalEntity
from core.driver_statements import Prefetch
from core.models import (
    Account,
    Document,
    DocumentKind,
    Invoice,
    utcnow,
)
from core.permissions import Surface
from mailers.brand import load_brand
from web import prefetch
from web.extensions import app_settings
from web.fragments import fragment
from web.portal import blueprint, listing, scope
from web.portal.disputes import hand_off_dispute
from web.portal.list_rows import list_labels, table_rows
from web.visitor import (
    audit,
    audit_in,
    close_scope,
    current_visitor,
    database,
    require,
    scoped,
    scoped_connection,
)

MAX_COMMENT = 2000


def visible_invoice(
    invoice_id: int, *, surface: Surface = Surface.invoice_page, with_lines: bool = False
) -> Invoice:
    """The invoice if this visitor may use ``surface`` and the link's scope holds it; 404 for
    one outside the scope (another account's reads the same), 403 for a role that may not."""
    visitor = require(surface)
    query = select(Invoice).where(Invoice.id == invoice_id, *scope.invoice_conditions(visitor))
    if with_lines:
        query = query.options(selectinload(Invoice.lines))
    invoice = scoped().scalar(query)
    if invoice is None:
        abort(404)
    return invoice


def facts_for(invoice: Invoice) -> InvoiceFacts:
    """What the documents of ``invoice`` (read with its lines) state: the account's billing
    details and the issuing legal entity from the brand file."""
    account = scoped().get(Account, invoice.account_id)
    assert account is not None  # the invoice is visible, so its account is
    return invoice_facts(invoice, account, seller_of(invoice, account))


def seller_of(invoice: Invoice, account: Account) -> LegalEntity | None:
    """The legal entity that issued ``invoice``, from the brand file (None: not in it)."""
    return load_brand(app_settings()).legal_entity(entity_code(invoice, account))


def current_filters() -> listing.InvoiceFilters:
    return listing.InvoiceFilters.from_args(request.args, scope.list_filters(current_visitor()))


@prefetch.predicts("portal.invoices")
def _page_ahead(account_id: int, hints: prefetch.Hints) -> Prefetch | None:
    """The statement ``invoices`` asks first, as it will for this visitor if the session is as
    it was (a narrower link lists with conditions of its own)."""
    if not hints.whole_portal:
        return None
    try:
        return listing.page_ahead(
            account_id,
            listing.InvoiceFilters.from_args(request.args, {}),
            after=request.args.get("after") or None,
            before=request.args.get("before") or None,
            reuse_plans_after=True,
        )
    except BadRequest:
        return None  # a filter or cursor the list cannot read: the page answers 400 itself


@blueprint.get("/invoices")
def invoices() -> ResponseReturnValue:
    visitor = require(Surface.invoice_list)
    if not scope.can_list_invoices(visitor):
        abort(404)
    filters = current_filters()
    result = listing.page(
        scoped_connection(),
        visitor.account_id,
        filters,
        scope.invoice_conditions(visitor),
        after=request.args.get("after") or None,
        before=request.args.get("before") or None,
        reuse_plans_after=True,  # the audit insert after it
    )
    args = filters.as_args()
    audit("invoices.list", "invoices", filters=args, rows=len(result.rows))
    # The form shows the filters as given and leaves out those the visitor's link fixes.
    fixed = frozenset(scope.list_filters(visitor))
    form = fragment("portal/invoice_filters.html", args=tuple(args.items()), fixed=fixed)
    return render_template(
        "portal/invoices.html",
        page=result,
        rows=table_rows(result.rows, utcnow().date()),
        labels=list_labels(),
        filter_form=form,
        args=args,
    )


@blueprint.get("/invoices/<int:invoice_id>")
def invoice(invoice_id: int) -> ResponseReturnValue:
    visitor = current_visitor()
    found = visible_invoice(invoice_id, with_lines=True)
    applied: tuple = ()
    if visitor.allows(Surface.payment_facts):
        applied = applied_payments(scoped(), found.id)
    original = scoped().scalar(
        select(Document)
        .where(Document.invoice_id == found.id, Document.kind == DocumentKind.erp_original)
        .order_by(Document.id.desc())
        .limit(1)
    )
    audit("invoice.view", f"invoice:{found.id}", number=found.number)
    return render_template(
        "portal/invoice.html",
        invoice=found,
        applied=applied,
        original=original,
        today=utcnow().date(),
        tax_rates=sorted({line.tax_rate for line in found.lines}),
        formats=[(fmt, SPECS[fmt]) for fmt in eligible_formats(facts_for(found))],
    )


@blueprint.post("/invoices/<int:invoice_id>/dispute")
def dispute(invoice_id: int) -> ResponseReturnValue:
    """A hand-off for AR with the contact's comment: in AR's queue (with its search terms) and
    emailed to AR, in one transaction. The queue's tables are AR's, not the customer role's, so
    the rows are written on the privileged connection, for this visitor's account only, once
    the invoice was found in the visitor's scope."""
    found = visible_invoice(invoice_id)  # first: another account's invoice reads as not found
    visitor = require(Surface.dispute_form)
    comment = request.form.get("comment", "").strip()
    if not comment or len(comment) > MAX_COMMENT:
        flash(_("Please describe what is wrong, in at most 2,000 characters."), "error")
        return redirect(url_for("portal.invoice", invoice_id=found.id), 303)
    # The scoped transaction ends first: on SQLite two open writers in one request would wait
    # on each other.
    close_scope(None)
    with database().admin_session() as session:
        hand_off_dispute(session, visitor, found, comment)
        audit_in(session, "invoice.dispute", f"invoice:{found.id}", number=found.number)
    flash(_("Thank you. Your comment went to our accounts-receivable team, who will reply."), "ok")
    return redirect(url_for("portal.invoice", invoice_id=found.id), 303)
