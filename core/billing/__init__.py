"""Billing queries with exact Decimal arithmetic, per currency, never summed across currencies.

Credit notes carry negative amounts, so documents add without special cases. Void documents
count nowhere. Unapplied cash (payments not allocated to invoices) reduces what is owed.
"""

from core.billing.aging import BUCKETS, Aging, aging
from core.billing.open_items import OpenItem, open_items
from core.billing.statement import Statement, StatementEntry, statement

__all__ = [
    "BUCKETS",
    "Aging",
    "OpenItem",
    "Statement",
    "StatementEntry",
    "aging",
    "open_items",
    "statement",
]
