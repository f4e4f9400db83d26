"""Writing invoices and credit notes with their lines: insert what is new, update what changed,
leave the rest alone, so a re-run writes nothing.

Amounts are compared as stored (four places). An invoice the ERP voids (cancels, reverses) stays
void with nothing owed, for history. One it deletes, or turns back into a draft, is removed: the
customer no longer sees it anywhere, and an ``invoice.removed`` audit event names what the
``invoice:<id>`` of the earlier events in the trail was (audit rows are never deleted).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from connectors.records import InvoiceRecord, LineRecord
from connectors.sync.context import WriteContext, chunks, q, update_rows
from connectors.sync.fastinsert import insert_rows
from core.models import AuditEvent, Invoice, InvoiceLine, status_for, utcnow

INVOICES = Invoice.__table__
LINES = InvoiceLine.__table__
AUDIT = AuditEvent.__table__
ZERO = Decimal(0)
HEADER = (
    "account_id", "number", "kind", "issue_date", "due_date", "currency", "subtotal", "tax",
    "total", "amount_paid", "balance", "status", "po_number", "source_updated_at",
    "payment_terms", "legal_entity", "payment_reference", "vat_exemption_reason",
    "vat_exemption_code", "delivery_date",
)  # fmt: skip
LINE = (
    "account_id", "line_no", "sku", "description", "quantity", "unit_price", "tax_rate",
    "net_amount", "tax_amount", "tax_category",
)  # fmt: skip


def header_values(rec: InvoiceRecord, account_id: int, paid_before: Decimal | None) -> dict:
    """The invoice columns the ERP owns. Without a paid amount from the ERP, the one ardesk
    computed from allocations stays. (A deleted record never gets here: it is removed.)"""
    void = rec.void
    total = ZERO if void else q(rec.total)
    if void:
        paid = ZERO
    elif rec.amount_paid is not None:
        paid = q(rec.amount_paid)
    else:
        paid = paid_before if paid_before is not None else ZERO
    return {
        "account_id": account_id,
        "number": rec.number[:64],
        "kind": rec.kind,
        "issue_date": rec.issue_date,
        "due_date": rec.due_date,
        "currency": rec.currency[:3],
        "subtotal": q(rec.subtotal),
        "tax": q(rec.tax),
        "total": total,
        "amount_paid": paid,
        "balance": total - paid,
        "status": status_for(total, paid, void=void),
        "po_number": rec.po_number[:64] if rec.po_number else None,
        "source_updated_at": rec.updated_at,
        "payment_terms": rec.payment_terms[:200] if rec.payment_terms else None,
        "legal_entity": rec.legal_entity[:64] if rec.legal_entity else None,
        "payment_reference": rec.payment_reference[:64] if rec.payment_reference else None,
        "vat_exemption_reason": (rec.vat_exemption_reason or "")[:300] or None,
        "vat_exemption_code": (rec.vat_exemption_code or "")[:32] or None,
        "delivery_date": rec.delivery_date,
    }


def line_values(line: LineRecord, account_id: int) -> dict:
    return {
        "account_id": account_id,
        "line_no": line.line_no,
        "sku": line.sku[:64] if line.sku else None,
        "description": line.description,
        "quantity": q(line.quantity),
        "unit_price": q(line.unit_price),
        "tax_rate": q(line.tax_rate),
        "net_amount": q(line.net_amount),
        "tax_amount": q(line.tax_amount),
        "tax_category": line.tax_category,
    }


def _existing(ctx: WriteContext, erp_ids: list[str]) -> dict[str, Any]:
    columns = (INVOICES.c.id, INVOICES.c.erp_id, *(INVOICES.c[c] for c in HEADER))
    if "invoices" in ctx.fresh:
        # Only what this run wrote can exist: an id seen in an earlier batch, by primary key.
        ids = [ctx.invoice_refs[e][0] for e in erp_ids if e in ctx.invoice_refs]
        if not ids:
            return {}
        query = select(*columns).where(INVOICES.c.id.in_(ids))
    else:
        query = select(*columns).where(
            INVOICES.c.source == ctx.source, INVOICES.c.erp_id.in_(erp_ids)
        )
    return {row.erp_id: row for row in ctx.conn.execute(query)}


def _existing_lines(ctx: WriteContext, invoice_ids: list[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    if not invoice_ids:
        return found
    query = (
        select(LINES.c.id, LINES.c.invoice_id, *(LINES.c[c] for c in LINE))
        .where(LINES.c.invoice_id.in_(invoice_ids))
        .order_by(LINES.c.invoice_id, LINES.c.line_no, LINES.c.id)
    )
    for row in ctx.conn.execute(query):
        found.setdefault(row.invoice_id, []).append(row)
    return found


def write_invoices(ctx: WriteContext, batch: list[InvoiceRecord]) -> None:
    records: dict[str, tuple[InvoiceRecord, int]] = {}
    for rec in batch:
        account = ctx.accounts.get(rec.account)
        if account is None:
            ctx.reject("invoices", rec.row, "account", f"unknown account {rec.account!r}")
        elif len(rec.currency) != 3:
            ctx.reject("invoices", rec.row, "currency", "must be a three-letter code")
        else:
            records[rec.erp_id] = (rec, account.id)  # the last row of an id wins
    if not records:
        return
    existing = _existing(ctx, list(records))
    old_lines = _existing_lines(
        ctx, [row.id for erp, row in existing.items() if records[erp][0].lines is not None]
    )
    now = utcnow()
    report = ctx.report
    new_rows: list[dict] = []
    new_lines: list[tuple[int, list[LineRecord], int]] = []  # (index in new_rows, lines, account)
    changed: list[dict] = []
    line_inserts: list[dict] = []
    line_updates: list[dict] = []
    line_deletes: list[int] = []
    removed: list[Any] = []
    for erp_id, (rec, account_id) in records.items():
        old = existing.get(erp_id)
        if old is not None and rec.deleted:
            removed.append(old)
            ctx.invoice_refs.pop(erp_id, None)
            continue
        values = header_values(rec, account_id, old.amount_paid if old is not None else None)
        if old is None:
            if rec.deleted:
                continue  # a draft or a deleted document never shown: nothing to keep
            values.update(source=ctx.source, erp_id=erp_id, created_at=now, updated_at=now)
            new_rows.append(values)
            if rec.lines:
                new_lines.append((len(new_rows) - 1, rec.lines, account_id))
            continue
        header_changed = any(old._mapping[c] != v for c, v in values.items())
        lines_changed = False
        if rec.lines is not None:
            lines_changed = _diff_lines(
                old.id, old_lines.get(old.id, []), rec.lines, account_id, ctx,
                line_inserts, line_updates, line_deletes,
            )  # fmt: skip
        if "invoices" in ctx.fresh:
            ctx.invoice_refs[erp_id] = (old.id, account_id, values["currency"])
        if ctx.fetch_documents:
            ctx.documents.append((old.id, account_id, rec, header_changed or lines_changed))
        if header_changed:
            changed.append({"_id": old.id, "updated_at": now} | values)
            report.updated["invoices"] += 1
        elif lines_changed:
            report.updated["invoices"] += 1
        else:
            report.unchanged["invoices"] += 1
    if new_rows:
        for row, id_ in zip(new_rows, ctx.new_ids("invoices", len(new_rows)), strict=True):
            row["id"] = id_
        insert_rows(ctx.conn, INVOICES, new_rows)
        report.inserted["invoices"] += len(new_rows)
        if "invoices" in ctx.fresh:
            refs = ctx.invoice_refs
            for row in new_rows:
                refs[row["erp_id"]] = (row["id"], row["account_id"], row["currency"])
        if ctx.fetch_documents:
            ctx.documents.extend(
                (row["id"], row["account_id"], records[row["erp_id"]][0], True)
                for row in new_rows
                if not records[row["erp_id"]][0].deleted
            )
        for index, lines, account_id in new_lines:
            invoice_id = new_rows[index]["id"]
            for line in lines:
                line_inserts.append(line_values(line, account_id) | {"invoice_id": invoice_id})
        report.inserted["lines"] += sum(len(lines) for _, lines, _ in new_lines)
    update_rows(ctx.conn, INVOICES, changed)
    if line_deletes:
        for part in chunks(line_deletes):
            ctx.conn.execute(LINES.delete().where(LINES.c.id.in_(part)))
    if line_inserts:
        ids = ctx.new_ids("invoice_lines", len(line_inserts))
        for row, id_ in zip(line_inserts, ids, strict=True):
            row["id"] = id_
        insert_rows(ctx.conn, LINES, line_inserts)
    update_rows(ctx.conn, LINES, line_updates)
    remove_invoices(ctx, removed, now, why="deleted or a draft in the ERP")


def _diff_lines(
    invoice_id: int,
    old: list[Any],
    new: list[LineRecord],
    account_id: int,
    ctx: WriteContext,
    inserts: list[dict],
    updates: list[dict],
    deletes: list[int],
) -> bool:
    """Lines compared by position; returns whether any differs."""
    report = ctx.report
    changed = False
    for position, line in enumerate(new):
        values = line_values(line, account_id)
        if position >= len(old):
            inserts.append(values | {"invoice_id": invoice_id})
            report.inserted["lines"] += 1
            changed = True
        elif any(old[position]._mapping[c] != v for c, v in values.items()):
            updates.append({"_id": old[position].id} | values)
            report.updated["lines"] += 1
            changed = True
        else:
            report.unchanged["lines"] += 1
    for row in old[len(new) :]:
        deletes.append(row.id)
        changed = True
    return changed


def remove_missing_invoices(ctx: WriteContext, seen: set[str], when: datetime) -> None:
    """After a full listing: invoices the ERP no longer lists were deleted there."""
    rows = ctx.conn.execute(
        select(INVOICES.c.id, INVOICES.c.erp_id, INVOICES.c.account_id, INVOICES.c.number).where(
            INVOICES.c.source == ctx.source
        )
    )
    remove_invoices(
        ctx,
        [row for row in rows if row.erp_id not in seen],
        when,
        why="no longer listed by the ERP",
    )


def remove_invoices(ctx: WriteContext, rows: list[Any], when: datetime, *, why: str) -> None:
    """Delete the invoices (their lines and allocations go with them; the documents stored for
    them stay, unlinked, so a verification code printed on a copy still answers) and say so in
    the audit trail."""
    if not rows:
        return
    ctx.conn.execute(
        insert(AUDIT),
        [
            {
                "at": when,
                "action": "invoice.removed",
                "actor": f"sync:{ctx.source}"[:200],
                "account_id": row.account_id,
                "target": f"invoice:{row.id}",
                "detail": {"number": row.number, "erp_id": row.erp_id, "why": why},
            }
            for row in rows
        ],
    )
    for part in chunks([row.id for row in rows]):
        ctx.conn.execute(INVOICES.delete().where(INVOICES.c.id.in_(part)))
    ctx.report.removed["invoices"] += len(rows)
