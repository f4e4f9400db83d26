"""A first import into empty tables builds their indexes once, at the end, instead of row by row.

The same idea as ``core.bulkload.BulkLoader``, but inside the sync's own transaction: a sync is
one transaction (a failing source leaves ardesk's data as it was), and the loader works on a
connection of its own. DDL is transactional on SQLite and PostgreSQL, so a rollback puts every
dropped index and constraint back.

Only tables without any row are touched: nobody can be reading rows that do not exist yet, and a
table that already holds rows keeps its indexes (growing them is cheaper than rebuilding them).
On SQLite foreign keys stay on (they cannot be switched inside a transaction; an insert only looks
its parent up by primary key). On PostgreSQL foreign keys and unreferenced unique constraints are
dropped too and added back, which validates each in one pass.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text

log = logging.getLogger(__name__)

# What a first import fills, parents before children.
TABLES = ("invoices", "invoice_lines", "payments", "payment_allocations")
# The advisory lock held by the first import that defers indexes (on SQLite the write lock,
# taken first, already keeps syncs apart).
DEFER_LOCK = "ardesk.sync.deferred-indexes"
# SQLite's page cache during a first import, in KiB (negative: a size, not a page count).
BULK_CACHE_KIB = -262144


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DeferredIndexes:
    """Drops what can be rebuilt on the empty tables; ``restore()`` builds it back."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.restore_statements: list[str] = []
        self.tables: list[str] = []
        self._cache_size: int | None = None

    def drop(self, tables: tuple[str, ...] = TABLES) -> None:
        dialect = self.conn.dialect.name
        if dialect == "postgresql" and not self.conn.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"), {"key": DEFER_LOCK}
        ):
            # Another source's first import is dropping indexes: two of them waiting for each
            # other's table locks would deadlock, so this one fills the tables with their indexes.
            return
        for table in tables:
            if not self._empty(table):
                continue
            if dialect == "sqlite":
                self.restore_statements.extend(self._drop_sqlite(table))
            elif dialect == "postgresql":
                self.restore_statements.extend(self._drop_postgres(table))
            else:
                return
            self.tables.append(table)
        if dialect == "postgresql" and self.tables:
            # Room to build each index in memory rather than in sorted runs on disk.
            self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem TO '256MB'")
        if dialect == "sqlite":
            # A page cache that holds the indexes still growing (the unique ones stay) and the
            # ones rebuilt at the end; SQLite's default of 2 MB makes every insert a page miss.
            self._cache_size = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        # Foreign keys go back after every index: they may rely on the unique ones.
        self.restore_statements.sort(key=lambda s: " FOREIGN KEY " in s)

    @property
    def active(self) -> bool:
        return bool(self.tables)

    def restore(self) -> None:
        for statement in self.restore_statements:
            self.conn.exec_driver_sql(statement)
        if self.conn.dialect.name == "postgresql":
            for table in self.tables:
                # Fresh statistics, so the first queries on the new rows get sensible plans.
                self.conn.exec_driver_sql(f"ANALYZE {_quote(table)}")
        self.restore_statements = []
        self.tables = []

    def close(self) -> None:
        """Give the pooled connection its own page cache size back (after commit or rollback)."""
        if self._cache_size is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def _empty(self, table: str) -> bool:
        return self.conn.exec_driver_sql(f"SELECT 1 FROM {_quote(table)} LIMIT 1").first() is None  # noqa: S608

    def _drop_sqlite(self, table: str) -> list[str]:
        # Indexes of UNIQUE and PRIMARY KEY constraints have no SQL and stay.
        indexes = self.conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
            ),
            {"t": table},
        ).all()
        for name, _sql in indexes:
            self.conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
        return [sql for _name, sql in indexes]

    def _drop_postgres(self, table: str) -> list[str]:
        owned = self.conn.execute(
            text(
                "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                "WHERE oid = to_regclass(:t)"
            ),
            {"t": table},
        ).scalar()
        if not owned:  # only the owner may alter a table: it fills with its indexes
            return []
        indexes = self.conn.execute(
            text(
                """SELECT c.relname, pg_get_indexdef(i.indexrelid)
                   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                   WHERE i.indrelid = to_regclass(:t) AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint k
                       WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)"""
            ),
            {"t": table},
        ).all()
        constraints = self.conn.execute(
            text(
                """SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k
                   WHERE k.conrelid = to_regclass(:t) AND (k.contype = 'f' OR (
                       k.contype = 'u' AND NOT EXISTS (
                           SELECT 1 FROM pg_constraint r
                           WHERE r.contype = 'f' AND r.conindid = k.conindid)))
                   ORDER BY k.conname"""
            ),
            {"t": table},
        ).all()
        restore = []
        alter = f"ALTER TABLE {_quote(table)}"
        for name, definition in constraints:
            self.conn.exec_driver_sql(f"{alter} DROP CONSTRAINT {_quote(name)}")
            restore.append(f"{alter} ADD CONSTRAINT {_quote(name)} {definition}")
        for name, definition in indexes:
            self.conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
            restore.append(definition)
        return restore
