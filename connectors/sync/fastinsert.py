"""Inserting many new rows fast, inside the sync's own transaction: ``executemany`` on the
SQLite connection, ``COPY`` on PostgreSQL (the sync runs as the privileged role, which COPY
needs under row-level security). Values are turned into their stored form by
``core.bulkload.stored_form_encoder``, bypassing per-row ORM work."""

from __future__ import annotations

from sqlalchemy import Connection, Table

from core.bulkload import stored_form_encoder


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    encode = stored_form_encoder(table, columns, conn.dialect.name)
    values = (encode(tuple(row[c] for c in columns)) for row in rows)
    raw = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)  # noqa: S608
    finally:
        cursor.close()
