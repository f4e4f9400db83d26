"""Fast bulk loading: millions of rows into any table, inside one transaction.

Used by ``ardesk demo-data`` and meant for big ERP imports (CSV files of a whole ledger)::

    with BulkLoader(db) as loader:
        loader.load("accounts", ("id", "source", ...), account_rows)
        loader.load("invoices", ("id", "source", ...), invoice_rows)
    loader.rows_loaded  # {"accounts": 120, "invoices": 1_000_000}

How it is fast:

* SQLite: the ``sqlite3`` module's ``executemany`` on a connection of its own, with load-time
  pragmas (no fsync, a large page cache, temporary sorts in memory, a rollback journal instead
  of the WAL while loading) and foreign keys checked once at the end (``foreign_key_check``).
* PostgreSQL: ``COPY … FROM STDIN`` through psycopg, on the privileged role
  (``Database.engine``): COPY is refused on tables under row-level security for roles subject
  to it. Foreign keys and unique constraints are dropped while an empty table fills and added
  back at the end, which validates them in one pass each.
* On both, the secondary indexes of a table that was empty when its first rows came are dropped
  and built again at the end: building an index once is much cheaper than growing it row by row.
  Tables that already hold rows keep their indexes.

Everything happens in one transaction: if any step fails (a duplicate key, a dangling foreign
key, a bad value) nothing is loaded and the indexes and constraints are as before.

Rows are sequences of values in the column's *stored form*: what the database holds, bypassing
the ORM's type conversion (``stored_form_encoder`` converts ordinary Python values):

==================  ===================================  =================================
column type         SQLite                               PostgreSQL
==================  ===================================  =================================
``Exact`` (money)   integer of ten-thousandths           ``Decimal``, int or numeric text
                    (``core.models.base.to_storage``)    (``"123.45"``, ``"12345e-2"``)
``Date``            ISO text ``2025-03-31``              ``date`` or ISO text
``UTCDateTime``     naive UTC text                       aware ``datetime`` or text with an
                    ``2025-03-31 14:05:00.000000``       offset ``2025-03-31 14:05:00+00``
enums               the value's string                   the value's string
``Boolean``         1 / 0                                ``True`` / ``False``
``JSON``            JSON text                            JSON text
==================  ===================================  =================================

Explicit ids are welcome: afterwards the PostgreSQL sequences are moved past the largest id
(SQLite's rowid tables need nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.bulkload_backends import (
    DATABASE_ERRORS,
    Backend,
    BulkLoadError,
    PostgresBackend,
    Row,
    SqliteBackend,
    first_line,
)
from core.db import Database

__all__ = ["BulkLoadError", "BulkLoader"]


class BulkLoader:
    """Loads rows table by table in one transaction; use it as a context manager."""

    def __init__(self, db: Database, *, defer_indexes: bool = True) -> None:
        self.db = db
        self.defer_indexes = defer_indexes
        self.rows_loaded: dict[str, int] = {}
        self._backend: Backend | None = None
        self._restore: list[str] = []
        self._columns: dict[str, set[str]] = {}

    def __enter__(self) -> BulkLoader:
        dialect = self.db.dialect
        if dialect == "sqlite":
            self._backend = SqliteBackend(self.db)
        elif dialect == "postgresql":
            self._backend = PostgresBackend(self.db)
        else:
            raise BulkLoadError(f"bulk loading does not support {dialect}")
        return self

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> int:
        """Append ``rows`` (in ``columns`` order, stored form) to ``table``; returns their count."""
        backend = self._require_backend()
        if table not in self.rows_loaded:
            backend.check_writable(table)
            if self.defer_indexes and backend.is_empty(table):
                self._restore.extend(backend.drop_deferrable(table))
            self.rows_loaded[table] = 0
            self._columns[table] = set()
        self._columns[table].update(columns)
        try:
            count = backend.insert(table, columns, rows)
        except DATABASE_ERRORS as exc:
            raise BulkLoadError(f"{table}: {first_line(exc)}") from exc
        self.rows_loaded[table] += count
        return count

    def __exit__(self, exc_type, exc, _tb) -> None:
        backend = self._require_backend()
        try:
            if exc_type is None:
                for statement in self._restore:
                    backend.execute(statement)
                backend.finish(self._columns)
                backend.commit()
            else:
                backend.rollback()
        except DATABASE_ERRORS as exc:
            backend.rollback()
            raise BulkLoadError(f"the loaded rows do not fit: {first_line(exc)}") from exc
        except BaseException:
            backend.rollback()
            raise
        finally:
            backend.close()
            self._backend = None

    def _require_backend(self) -> Backend:
        if self._backend is None:
            raise RuntimeError("use BulkLoader as a context manager")
        return self._backend
