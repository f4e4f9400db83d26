"""Reconciliation: after a run, each account whose ERP gave its own open balance (Business
Central's balanceDue, Odoo's credit…) is compared with the sum of its open items in ardesk, in
the account's currency. A difference is reported, never corrected: it means a change the sync
missed, cash the ERP holds unapplied, or open items in another currency; AR decides.

Money is never added across currencies: an account with open items in a currency other than its
own is reported as not comparable.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from connectors.sync.context import WriteContext, chunks, q
from connectors.sync.report import BalanceDifference
from core.models import Invoice, InvoiceStatus

INVOICES = Invoice.__table__


def reconcile(ctx: WriteContext) -> None:
    if not ctx.erp_balances:
        return
    open_sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for part in chunks(sorted(ctx.erp_balances)):
        query = (
            select(INVOICES.c.account_id, INVOICES.c.currency, func.sum(INVOICES.c.balance))
            .where(INVOICES.c.account_id.in_(part), INVOICES.c.status != InvoiceStatus.void)
            .group_by(INVOICES.c.account_id, INVOICES.c.currency)
        )
        for account_id, currency, total in ctx.conn.execute(query):
            if total:
                open_sums[account_id][currency] = Decimal(total)
    for account_id, rec in ctx.erp_balances.items():
        sums = open_sums.get(account_id, {})
        erp = q(rec.erp_balance)
        if set(sums) - {rec.currency}:
            ctx.report.differences.append(BalanceDifference(rec.erp_id, rec.currency, erp, None))
            continue
        ardesk = q(sums.get(rec.currency, Decimal(0)))
        if ardesk == erp:
            ctx.report.reconciled += 1
        else:
            ctx.report.differences.append(BalanceDifference(rec.erp_id, rec.currency, erp, ardesk))
