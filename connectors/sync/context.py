"""What the writers of one sync share: the connection, ids, the accounts of the source, the report.

Writers use SQLAlchemy Core on one connection and one transaction: a failing source rolls the
whole run back, so ardesk's data is either the previous state or the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, text, update

from connectors.records import Rejection
from connectors.sync.report import SyncReport
from core.models import Account, Invoice, Payment, Role

# Values are compared the way they are stored: four decimal places (core.models.base.SCALE).
QUANTUM = Decimal("0.0001")
BATCH = 2000


def q(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM)


@dataclass
class AccountRef:
    id: int
    currency: str


@dataclass
class WriteContext:
    conn: Connection
    source: str
    report: SyncReport
    default_role: str
    accounts: dict[str, AccountRef] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    # Record types that had no row of this source when the run began: nothing to look up.
    fresh: set[str] = field(default_factory=set)
    # A first import (see engine): indexes of empty tables are deferred, so lookups by ERP id
    # go through the maps below instead of the database.
    bulk: bool = False
    # ERP id → (id, account id, currency) of the invoices, and → id of the payments, written in
    # this run while their type is fresh: duplicates of an id across batches, allocations'
    # invoices (and their currency, which an allocation must share).
    invoice_refs: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    payment_refs: dict[str, int] = field(default_factory=dict)
    # Whether originals are fetched; the invoices of the last batch whose original is wanted:
    # (invoice id, account id, record, whether the invoice is new or changed).
    fetch_documents: bool = False
    documents: list[tuple[int, int, Any, bool]] = field(default_factory=list)
    # Invoices whose paid amount follows from allocations and whose allocations changed.
    touched_invoices: set[int] = field(default_factory=set)
    # The ERP's own open balance of the accounts whose listing gave one: account id → record.
    erp_balances: dict[int, Any] = field(default_factory=dict)
    _next_ids: dict[str, int] = field(default_factory=dict)

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    @classmethod
    def open(cls, conn: Connection, source: str, report: SyncReport, default_role: str):
        ctx = cls(conn, source, report, default_role)
        ctx.roles = set(conn.scalars(select(Role.name)))
        ctx.reload_accounts()
        for kind, model in (("invoices", Invoice), ("payments", Payment)):
            table = model.__table__
            found = conn.scalar(select(table.c.id).where(table.c.source == source).limit(1))
            if found is None:
                ctx.fresh.add(kind)
        return ctx

    def reload_accounts(self) -> None:
        table = Account.__table__
        rows = self.conn.execute(
            select(table.c.erp_id, table.c.id, table.c.currency).where(
                table.c.source == self.source
            )
        )
        self.accounts = {erp_id: AccountRef(id_, cur) for erp_id, id_, cur in rows}

    def reject(self, record: str, row: str, field_name: str, reason: str) -> None:
        self.report.reject(Rejection(record, row, field_name, reason))

    def new_ids(self, table: str, count: int) -> list[int]:
        """Ids for rows about to be inserted, so children can refer to them without a round trip.

        PostgreSQL hands them out from the table's sequence (safe beside other writers); SQLite
        counts on from the largest id, which is safe because this transaction holds the write lock
        from its first statement.
        """
        if count == 0:
            return []
        if self.dialect == "postgresql":
            # On the driver's cursor: a first import asks for millions, row objects add up.
            raw = self.conn.connection.driver_connection
            with raw.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    (table, count),
                )
                return [r[0] for r in cursor.fetchall()]
        if table not in self._next_ids:
            largest = self.conn.scalar(text(f"SELECT max(id) FROM {table}"))  # noqa: S608
            self._next_ids[table] = (largest or 0) + 1
        start = self._next_ids[table]
        self._next_ids[table] = start + count
        return list(range(start, start + count))


def count_of(conn: Connection, table, source: str) -> int:
    return conn.scalar(select(func.count()).select_from(table).where(table.c.source == source))


def chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    """UPDATE by id, many rows at once; each row is ``{"_id": id, column: value, ...}`` with the
    same columns."""
    if not rows:
        return
    columns = [k for k in rows[0] if k != "_id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b__id"))
        .values({c: bindparam(f"b_{c}") for c in columns})
    )
    conn.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])
