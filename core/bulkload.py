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

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

import psycopg
from sqlalchemy import JSON, Boolean, Date, Table
from sqlalchemy import Enum as SAEnum

from core.db import Database
from core.models.base import Exact, UTCDateTime, to_storage

Row = Sequence[Any]
# What the databases raise when they refuse a row or a rebuilt constraint.
DATABASE_ERRORS = (sqlite3.Error, psycopg.Error)


class BulkLoadError(Exception):
    """The load cannot go on; nothing of it was kept."""


class BulkLoader:
    """Loads rows table by table in one transaction; use it as a context manager."""

    def __init__(self, db: Database, *, defer_indexes: bool = True) -> None:
        self.db = db
        self.defer_indexes = defer_indexes
        self.rows_loaded: dict[str, int] = {}
        self._backend: _Backend | None = None
        self._restore: list[str] = []
        self._columns: dict[str, set[str]] = {}

    def __enter__(self) -> BulkLoader:
        dialect = self.db.dialect
        if dialect == "sqlite":
            self._backend = _SqliteBackend(self.db)
        elif dialect == "postgresql":
            self._backend = _PostgresBackend(self.db)
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
            raise BulkLoadError(f"{table}: {_first_line(exc)}") from exc
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
            raise BulkLoadError(f"the loaded rows do not fit: {_first_line(exc)}") from exc
        except BaseException:
            backend.rollback()
            raise
        finally:
            backend.close()
            self._backend = None

    def _require_backend(self) -> _Backend:
        if self._backend is None:
            raise RuntimeError("use BulkLoader as a context manager")
        return self._backend


class _Backend(Protocol):
    """What each database does for ``BulkLoader``."""

    def check_writable(self, table: str) -> None: ...

    def is_empty(self, table: str) -> bool: ...

    def drop_deferrable(self, table: str) -> list[str]:
        """Drop what can be rebuilt after the load; returns the statements that rebuild it."""
        ...

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> int: ...

    def execute(self, statement: str) -> None: ...

    def finish(self, columns: dict[str, set[str]]) -> None:
        """Check and tidy up after the rows and the rebuilt indexes are in."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _SqliteBackend:
    # Load-time settings: durability is bought once, at COMMIT; a crash mid-load leaves the
    # rollback journal to undo it.
    PRAGMAS = ("PRAGMA foreign_keys=OFF", "PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144",
               "PRAGMA temp_store=MEMORY", "PRAGMA busy_timeout=10000")

    def __init__(self, db: Database) -> None:
        path = db.engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            raise BulkLoadError("bulk loading into SQLite needs a database file")
        # A connection of its own: the pragmas and the journal mode stay away from the pool.
        # The pool's idle connections are closed first (it opens new ones on demand): leaving
        # the WAL needs the database to ourselves.
        db.dispose()
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=10)
        for pragma in self.PRAGMAS:
            self.connection.execute(pragma)
        self.journal_mode = self.connection.execute("PRAGMA journal_mode").fetchone()[0]
        # Every loaded page would be written twice with the WAL: once there, once at the
        # checkpoint. Switching needs the database to ourselves; without it the WAL stays.
        with contextlib.suppress(sqlite3.OperationalError):
            self.connection.execute("PRAGMA journal_mode=DELETE")
        self.connection.execute("BEGIN IMMEDIATE")
        self.open = True

    def check_writable(self, table: str) -> None:
        found = self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        if found is None:
            raise BulkLoadError(f"no table {table!r}: run `ardesk init` first")

    def is_empty(self, table: str) -> bool:
        query = f"SELECT 1 FROM {_quote(table)} LIMIT 1"  # noqa: S608
        return self.connection.execute(query).fetchone() is None

    def drop_deferrable(self, table: str) -> list[str]:
        # Indexes SQLite makes for UNIQUE and PRIMARY KEY constraints have no SQL and stay.
        indexes = self.connection.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, _sql in indexes:
            self.connection.execute(f"DROP INDEX {_quote(name)}")
        return [sql for _name, sql in indexes]

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> int:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(_quote(c) for c in columns)
        cursor = self.connection.executemany(
            f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows  # noqa: S608
        )
        return cursor.rowcount

    def execute(self, statement: str) -> None:
        self.connection.execute(statement)

    def finish(self, columns: dict[str, set[str]]) -> None:
        for table in columns:
            broken = self.connection.execute(
                f"PRAGMA foreign_key_check({_quote(table)})"
            ).fetchmany(3)
            if broken:
                rowids = ", ".join(str(row[1]) for row in broken)
                raise BulkLoadError(
                    f"{table}: rows {rowids} break a foreign key to {broken[0][2]}"
                )
        has_sequences = self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone()
        if has_sequences:  # AUTOINCREMENT tables remember their largest id there
            for table in columns:
                self.connection.execute(
                    f"UPDATE sqlite_sequence SET seq = max(seq, "  # noqa: S608
                    f"(SELECT coalesce(max(rowid), 0) FROM {_quote(table)})) WHERE name = ?",
                    (table,),
                )

    def commit(self) -> None:
        self.connection.execute("COMMIT")
        self.open = False

    def rollback(self) -> None:
        if self.open and self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        self.open = False

    def close(self) -> None:
        try:
            if self.journal_mode.lower() == "wal":
                self.connection.execute("PRAGMA journal_mode=WAL")
        finally:
            self.connection.close()


class _PostgresBackend:
    def __init__(self, db: Database) -> None:
        from psycopg import sql

        self.sql = sql
        self.raw = db.engine.raw_connection()
        self.connection = self.raw.driver_connection
        if self.connection.autocommit:
            raise BulkLoadError("bulk loading needs a connection outside autocommit")
        self.connection.execute("SET LOCAL synchronous_commit TO off")
        # Room to build each index in memory rather than in sorted runs on disk.
        self.connection.execute("SET LOCAL maintenance_work_mem TO '256MB'")
        self.bypasses_rls = self.connection.execute(
            "SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]

    def check_writable(self, table: str) -> None:
        found = self.connection.execute(
            "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(%s)", (table,)
        ).fetchone()
        if found is None:
            raise BulkLoadError(f"no table {table!r}: run `ardesk init` first")
        if found[0] and not self.bypasses_rls:
            raise BulkLoadError(
                f"{table} is under row-level security and this role may not bypass it: "
                "bulk loads use the privileged role of ARDESK_DATABASE_URL (BYPASSRLS)"
            )

    def is_empty(self, table: str) -> bool:
        query = self.sql.SQL("SELECT 1 FROM {} LIMIT 1").format(self.sql.Identifier(table))
        return self.connection.execute(query).fetchone() is None

    def drop_deferrable(self, table: str) -> list[str]:
        """Drop plain indexes, foreign keys and unreferenced unique constraints of ``table``.

        Returns the statements that put them back: indexes and unique constraints first, then
        the foreign keys, which may need them.
        """
        owned = self.connection.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
            "WHERE oid = to_regclass(%s)",
            (table,),
        ).fetchone()[0]
        if not owned:  # only the owner may alter the table: it loads with its indexes
            return []
        ident = self.sql.Identifier(table).as_string(self.connection)
        indexes = self.connection.execute(
            """SELECT c.relname, pg_get_indexdef(i.indexrelid)
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               WHERE i.indrelid = to_regclass(%s) AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint k
                   WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)""",
            (table,),
        ).fetchall()
        constraints = self.connection.execute(
            """SELECT k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k
               WHERE k.conrelid = to_regclass(%s) AND (k.contype = 'f' OR (
                   k.contype = 'u' AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint r
                       WHERE r.contype = 'f' AND r.conindid = k.conindid)))
               ORDER BY k.contype DESC, k.conname""",
            (table,),
        ).fetchall()
        restore_first, restore_last = [], []
        for name, kind, definition in constraints:
            constraint = self.sql.Identifier(name).as_string(self.connection)
            self.execute(f"ALTER TABLE {ident} DROP CONSTRAINT {constraint}")
            statement = f"ALTER TABLE {ident} ADD CONSTRAINT {constraint} {definition}"
            (restore_last if kind == "f" else restore_first).append(statement)
        for name, definition in indexes:
            self.execute(f"DROP INDEX {self.sql.Identifier(name).as_string(self.connection)}")
            restore_first.append(definition)
        return restore_first + restore_last

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> int:
        statement = self.sql.SQL("COPY {} ({}) FROM STDIN").format(
            self.sql.Identifier(table), self.sql.SQL(", ").join(map(self.sql.Identifier, columns))
        )
        count = 0
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
        return count

    def execute(self, statement: str) -> None:
        self.connection.execute(statement)  # type: ignore[arg-type]

    def finish(self, columns: dict[str, set[str]]) -> None:
        for table, loaded in columns.items():
            for column in sorted(loaded):
                sequence = self.connection.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)", (table, column)
                ).fetchone()[0]
                if sequence:
                    query = self.sql.SQL("SELECT setval(%s, (SELECT max({}) FROM {}))").format(
                        self.sql.Identifier(column), self.sql.Identifier(table)
                    )
                    self.connection.execute(query, (sequence,))
            # Fresh statistics, so the first queries on the new rows get sensible plans.
            self.connection.execute(self.sql.SQL("ANALYZE {}").format(self.sql.Identifier(table)))

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()

    def close(self) -> None:
        self.raw.close()


def stored_form_encoder(table: Table, columns: Sequence[str],
                        dialect: str) -> Callable[[Row], tuple]:
    """A function turning a row of ordinary Python values into ``BulkLoader``'s stored form.

    ``Decimal`` (never float) for money, aware ``datetime``, ``date``, enum members, booleans
    and JSON-able values in; what the table's column types store out. For callers that have
    Python values (an ERP import); generators that can produce stored forms directly skip it.
    """
    converters = [_converter(table.c[name].type, dialect) for name in columns]

    def encode(row: Row) -> tuple:
        return tuple(
            value if convert is None or value is None else convert(value)
            for convert, value in zip(converters, row, strict=True)
        )

    return encode


def _converter(column_type: Any, dialect: str) -> Callable[[Any], Any] | None:
    sqlite = dialect == "sqlite"
    if isinstance(column_type, Exact):
        return lambda value: to_storage(_exact(value), dialect)
    if isinstance(column_type, UTCDateTime):
        return _sqlite_timestamp if sqlite else _aware
    if isinstance(column_type, SAEnum):
        return lambda value: getattr(value, "value", value)
    if isinstance(column_type, Boolean):
        return (lambda value: 1 if value else 0) if sqlite else bool
    if isinstance(column_type, JSON):
        return json.dumps
    if isinstance(column_type, Date) and sqlite:
        return lambda value: value.isoformat() if isinstance(value, date) else value
    return None


def _exact(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    return Decimal(value)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: ardesk stores aware UTC datetimes only")
    return value


def _sqlite_timestamp(value: datetime) -> str:
    return _aware(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
