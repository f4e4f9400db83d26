"""Inserting many new rows fast, inside the sync's own transaction: ``executemany`` on the
SQLite connection, ``COPY`` on PostgreSQL (the sync runs as the privileged role, which COPY
needs under row-level security). Rows go in in their stored form (the forms of
``core.bulkload``), bypassing per-row ORM work.

A first import turns millions of row dicts into stored tuples, so the conversion is compiled
once per table and column list: one generated function that reads each column and converts only
the types that need it (money to scaled integers on SQLite, times to text), instead of a generic
loop over per-value converters.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import JSON, Boolean, Connection, Date, Table
from sqlalchemy import Enum as SAEnum

from core.models.base import SCALE, Exact, UTCDateTime

_FACTOR = Decimal(10) ** SCALE


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    columns = tuple(rows[0])
    encode = row_encoder(table, columns, conn.dialect.name)
    raw = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(encode(row))
        return
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})",  # noqa: S608
            map(encode, rows),
        )
    finally:
        cursor.close()


@lru_cache(maxsize=64)
def row_encoder(table: Table, columns: Sequence[str], dialect: str) -> Callable[[dict], tuple]:
    """A function from a row dict (ordinary Python values) to the stored tuple of ``columns``."""
    namespace: dict[str, object] = {}
    parts = []
    for index, name in enumerate(columns):
        convert = _converter(table.c[name].type, dialect)
        key = repr(name)
        if convert is None:
            parts.append(f"row[{key}]")
        else:
            namespace[f"c{index}"] = convert
            parts.append(f"(None if (v{index} := row[{key}]) is None else c{index}(v{index}))")
    source = "def encode(row):\n    return (" + ", ".join(parts) + ",)\n"
    exec(compile(source, f"<encoder {table.name}>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["encode"]  # type: ignore[return-value]


def _converter(column_type: object, dialect: str) -> Callable[[object], object] | None:
    sqlite = dialect == "sqlite"
    if isinstance(column_type, Exact):
        return _scaled if sqlite else _decimal
    if isinstance(column_type, UTCDateTime):
        return _timestamp_cache(_sqlite_timestamp) if sqlite else _aware
    if isinstance(column_type, SAEnum):
        return _enum_value
    if isinstance(column_type, Boolean):
        return (lambda value: 1 if value else 0) if sqlite else bool
    if isinstance(column_type, JSON):
        return json.dumps
    if isinstance(column_type, Date) and sqlite:
        return lambda value: value.isoformat() if isinstance(value, date) else value
    return None


def _decimal(value: object) -> Decimal:
    if value.__class__ is Decimal:
        return value  # type: ignore[return-value]
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    return Decimal(value)  # type: ignore[arg-type]


def _scaled(value: object) -> int:
    """SQLite's stored form of an exact amount: an integer of ten-thousandths."""
    return int((_decimal(value) * _FACTOR).to_integral_value())


def _enum_value(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: ardesk stores aware UTC datetimes only")
    return value


def _sqlite_timestamp(value: datetime) -> str:
    return _aware(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _timestamp_cache(convert: Callable[[datetime], str]) -> Callable[[datetime], str]:
    """Times repeat (a run's own clock, an ERP's change times in a day): format each once."""
    seen: dict[datetime, str] = {}

    def cached(value: datetime) -> str:
        text = seen.get(value)
        if text is None:
            if len(seen) > 100_000:
                seen.clear()
            text = seen[value] = convert(value)
        return text

    return cached
