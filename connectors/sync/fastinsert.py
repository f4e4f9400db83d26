"""Inserting many new rows fast, inside the sync's own transaction: ``executemany`` on the
SQLite connection, ``COPY`` on PostgreSQL (the sync runs as the privileged role, which COPY
needs under row-level security). Rows go in in their stored form, bypassing per-row ORM work:
``core.stored_form.stored_form_encoder`` converts them, the same encoder the demo loader uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table

from core.stored_form import stored_form_encoder


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    columns = tuple(rows[0])
    encode = _encoder(table, columns, conn.dialect.name)
    pick = _picker(columns)
    raw = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(encode(pick(row)))
        return
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})",  # noqa: S608
            (encode(pick(row)) for row in rows),
        )
    finally:
        cursor.close()


# One encoder per table and column list: it keeps its cache of formatted times across batches.
_encoder = lru_cache(maxsize=64)(stored_form_encoder)


@lru_cache(maxsize=64)
def _picker(columns: Sequence[str]) -> Callable[[dict], Sequence[Any]]:
    """The values of a row dict in column order (itemgetter gives a bare value for one)."""
    if len(columns) == 1:
        return lambda row: (row[columns[0]],)
    return itemgetter(*columns)
