"""Writing payments with their allocations, and the paid amounts that follow from allocations.

An allocation names its invoice by ERP id; an invoice that is unknown or belongs to another
account keeps the whole payment out (a half-applied payment would misstate both balances).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, text

from connectors.records import PaymentRecord
from connectors.sync.context import WriteContext, chunks, q, update_rows
from connectors.sync.fastinsert import insert_rows
from core.models import Invoice, Payment, PaymentAllocation, UTCDateTime, utcnow

PAYMENTS = Payment.__table__
ALLOCATIONS = PaymentAllocation.__table__
INVOICES = Invoice.__table__
HEADER = ("account_id", "reference", "received_on", "method", "currency", "amount")
ALLOCATION = ("invoice_id", "amount", "applied_on")


def write_payments(ctx: WriteContext, batch: list[PaymentRecord]) -> None:
    records: dict[str, tuple[PaymentRecord, int]] = {}
    for rec in batch:
        account = ctx.accounts.get(rec.account)
        if account is None:
            ctx.reject("payments", rec.row, "account", f"unknown account {rec.account!r}")
        elif len(rec.currency) != 3:
            ctx.reject("payments", rec.row, "currency", "must be a three-letter code")
        else:
            records[rec.erp_id] = (rec, account.id)
    if not records:
        return
    invoices = _invoice_ids(
        ctx, {a.invoice for rec, _ in records.values() for a in rec.allocations}
    )
    existing = _existing(ctx, list(records))
    old_allocations = _existing_allocations(ctx, [row.id for row in existing.values()])
    now = utcnow()
    report = ctx.report
    inserts, updates, deletes = [], [], []
    allocation_rows: list[tuple[int | dict, list[dict]]] = []  # (payment id or new row, rows)
    for erp_id, (rec, account_id) in records.items():
        wanted = _allocations(ctx, rec, account_id, invoices)
        if wanted is None:
            continue
        old = existing.get(erp_id)
        if rec.deleted:
            if old is not None:
                deletes.append(old.id)
                ctx.touched_invoices.update(a.invoice_id for a in old_allocations.get(old.id, []))
                report.updated["payments"] += 1
            continue
        values = {
            "account_id": account_id,
            "reference": rec.reference[:128] if rec.reference else None,
            "received_on": rec.received_on,
            "method": rec.method[:32] if rec.method else None,
            "currency": rec.currency[:3],
            "amount": q(rec.amount),
            "source_updated_at": rec.updated_at,
        }
        if old is None:
            row = values | {"source": ctx.source, "erp_id": erp_id, "created_at": now}
            inserts.append(row)
            allocation_rows.append((row, wanted))
            ctx.touched_invoices.update(a["invoice_id"] for a in wanted)
            continue
        before = sorted(
            (a.invoice_id, a.amount, a.applied_on) for a in old_allocations.get(old.id, [])
        )
        after = sorted((a["invoice_id"], a["amount"], a["applied_on"]) for a in wanted)
        header_changed = any(old._mapping[c] != v for c, v in values.items())
        if before != after:
            ctx.touched_invoices.update(i for i, _, _ in before)
            ctx.touched_invoices.update(i for i, _, _ in after)
            ctx.conn.execute(ALLOCATIONS.delete().where(ALLOCATIONS.c.payment_id == old.id))
            allocation_rows.append((old.id, wanted))
        if header_changed:
            updates.append({"_id": old.id} | values)
        if header_changed or before != after:
            report.updated["payments"] += 1
        else:
            report.unchanged["payments"] += 1
    if inserts:
        for row, id_ in zip(inserts, ctx.new_ids("payments", len(inserts)), strict=True):
            row["id"] = id_
        insert_rows(ctx.conn, PAYMENTS, inserts)
        report.inserted["payments"] += len(inserts)
        if "payments" in ctx.fresh:
            ctx.payment_refs.update((row["erp_id"], row["id"]) for row in inserts)
    update_rows(ctx.conn, PAYMENTS, updates)
    for part in chunks(deletes):
        ctx.conn.execute(PAYMENTS.delete().where(PAYMENTS.c.id.in_(part)))
    rows = []
    for payment, wanted in allocation_rows:
        payment_id = payment["id"] if isinstance(payment, dict) else payment
        rows.extend(a | {"payment_id": payment_id} for a in wanted)
    if rows:
        for row, id_ in zip(rows, ctx.new_ids("payment_allocations", len(rows)), strict=True):
            row["id"] = id_
        insert_rows(ctx.conn, ALLOCATIONS, rows)


def _allocations(ctx, rec: PaymentRecord, account_id: int, invoices: dict) -> list[dict] | None:
    rows = []
    for allocation in rec.allocations:
        found = invoices.get(allocation.invoice)
        if found is None or found[1] != account_id:
            ctx.reject(
                "payments", rec.row, "allocations", f"unknown invoice {allocation.invoice!r}"
            )
            return None
        if found[2] != rec.currency:
            # Money is never added across currencies: the ERP's own cross-currency application
            # (with its exchange difference) is not a plain allocation.
            ctx.reject(
                "payments",
                rec.row,
                "allocations",
                f"a {rec.currency} payment applied to {allocation.invoice!r} in {found[2]}",
            )
            return None
        rows.append(
            {
                "account_id": account_id,
                "invoice_id": found[0],
                "amount": q(allocation.amount),
                "applied_on": allocation.applied_on or rec.received_on,
            }
        )
    return rows


def _invoice_ids(ctx: WriteContext, erp_ids: set[str]) -> dict[str, tuple[int, int, str]]:
    if "invoices" in ctx.fresh:  # every invoice of the source was written in this run
        refs = ctx.invoice_refs
        return {erp: refs[erp] for erp in erp_ids if erp in refs}
    found: dict[str, tuple[int, int, str]] = {}
    for part in chunks(sorted(erp_ids)):
        query = select(
            INVOICES.c.erp_id, INVOICES.c.id, INVOICES.c.account_id, INVOICES.c.currency
        ).where(INVOICES.c.source == ctx.source, INVOICES.c.erp_id.in_(part))
        found.update({erp: tuple(rest) for erp, *rest in ctx.conn.execute(query)})
    return found


def _existing(ctx: WriteContext, erp_ids: list[str]) -> dict[str, Any]:
    columns = (
        PAYMENTS.c.id,
        PAYMENTS.c.erp_id,
        PAYMENTS.c.source_updated_at,
        *(PAYMENTS.c[c] for c in HEADER),
    )
    if "payments" in ctx.fresh:
        # Only what this run wrote can exist: an id seen in an earlier batch, by primary key.
        ids = [ctx.payment_refs[e] for e in erp_ids if e in ctx.payment_refs]
        if not ids:
            return {}
        query = select(*columns).where(PAYMENTS.c.id.in_(ids))
    else:
        query = select(*columns).where(
            PAYMENTS.c.source == ctx.source, PAYMENTS.c.erp_id.in_(erp_ids)
        )
    return {row.erp_id: row for row in ctx.conn.execute(query)}


def _existing_allocations(ctx: WriteContext, payment_ids: list[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    if payment_ids:
        query = select(ALLOCATIONS.c.payment_id, *(ALLOCATIONS.c[c] for c in ALLOCATION)).where(
            ALLOCATIONS.c.payment_id.in_(payment_ids)
        )
        for row in ctx.conn.execute(query):
            found.setdefault(row.payment_id, []).append(row)
    return found


def delete_missing_payments(ctx: WriteContext, seen: set[str]) -> None:
    """After a full listing: payments the ERP no longer has go, with their allocations."""
    rows = ctx.conn.execute(
        select(PAYMENTS.c.id, PAYMENTS.c.erp_id).where(PAYMENTS.c.source == ctx.source)
    )
    gone = [id_ for id_, erp_id in rows if erp_id not in seen]
    for part in chunks(gone):
        touched = ctx.conn.scalars(
            select(ALLOCATIONS.c.invoice_id).where(ALLOCATIONS.c.payment_id.in_(part))
        )
        ctx.touched_invoices.update(touched)
        ctx.conn.execute(PAYMENTS.delete().where(PAYMENTS.c.id.in_(part)))
    ctx.report.removed["payments"] += len(gone)


# One statement per chunk: the sums of allocations joined once (UPDATE … FROM, SQLite ≥ 3.33).
_RECOMPUTE = text(
    """
    UPDATE invoices SET amount_paid = s.paid, balance = invoices.total - s.paid,
        status = CASE WHEN invoices.total - s.paid = 0 THEN 'paid'
                      WHEN s.paid = 0 THEN 'open' ELSE 'partially_paid' END,
        updated_at = :now
    FROM (SELECT i.id AS invoice_id, COALESCE(SUM(a.amount), 0) AS paid
          FROM invoices i LEFT JOIN payment_allocations a ON a.invoice_id = i.id
          WHERE i.id IN :ids GROUP BY i.id) AS s
    WHERE invoices.id = s.invoice_id AND invoices.status != 'void'
      AND invoices.amount_paid != s.paid
    """
).bindparams(bindparam("ids", expanding=True), bindparam("now", type_=UTCDateTime()))


# A first import: every invoice of the source is new, so one pass over the allocations of its
# invoices sets them all (they went in with nothing paid). No index needed on either side.
_RECOMPUTE_SOURCE = text(
    """
    UPDATE invoices SET amount_paid = s.paid, balance = invoices.total - s.paid,
        status = CASE WHEN invoices.total - s.paid = 0 THEN 'paid'
                      WHEN s.paid = 0 THEN 'open' ELSE 'partially_paid' END,
        updated_at = :now
    FROM (SELECT a.invoice_id AS invoice_id, SUM(a.amount) AS paid
          FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
          WHERE i.source = :source GROUP BY a.invoice_id) AS s
    WHERE invoices.id = s.invoice_id AND invoices.status != 'void'
      AND invoices.amount_paid != s.paid
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


def recompute_all_paid(ctx: WriteContext) -> None:
    """Paid amount, balance and status of every invoice of the source, from allocations."""
    ctx.conn.execute(_RECOMPUTE_SOURCE, {"now": utcnow(), "source": ctx.source})
    ctx.touched_invoices.clear()


def recompute_paid(ctx: WriteContext) -> None:
    """Paid amount, balance and status of the touched invoices, from their allocations (for
    sources whose ERP does not give a paid amount). Void invoices stay void with nothing owed."""
    now = utcnow()
    for part in chunks(sorted(ctx.touched_invoices), 5000):
        ctx.conn.execute(_RECOMPUTE, {"ids": part, "now": now})
    ctx.touched_invoices.clear()
