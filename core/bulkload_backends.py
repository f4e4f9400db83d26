"""The two databases ``core.bulkload.BulkLoader`` writes to: SQLite through executemany with
deferred indexes and a large page cache, PostgreSQL through COPY with indexes rebuilt once."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import psycopg

from core.db import Database

Row = Sequence[Any]
# What the databases raise when they refuse a row or a rebuilt constraint.
DATABASE_ERRORS = (sqlite3.Error, psycopg.Error)


class BulkLoadError(Exception):
    """The load cannot go on; nothing of it was kept."""


class Backend(Protocol):
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


def first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqliteBackend:
    # Load-time settings: durability is bought once, at COMMIT; a crash mid-load leaves the
    # rollback journal to undo it.
    PRAGMAS = (
        "PRAGMA foreign_keys=OFF",
        "PRAGMA synchronous=OFF",
        "PRAGMA cache_size=-262144",
        "PRAGMA temp_store=MEMORY",
        "PRAGMA busy_timeout=10000",
    )

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
            f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
            rows,
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
                raise BulkLoadError(f"{table}: rows {rowids} break a foreign key to {broken[0][2]}")
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


class PostgresBackend:
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
