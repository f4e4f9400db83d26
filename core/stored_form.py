"""Rows of ordinary Python values in the *stored form* ``core.bulkload`` writes: on SQLite amounts
as integers of ten-thousandths, ISO dates and naive UTC times; on PostgreSQL as the driver takes
them. Shared by the demo loader and the connectors' first imports."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Table
from sqlalchemy import Enum as SAEnum

from core.models.base import SCALE, Exact, UTCDateTime

# What the databases raise when they refuse a row or a rebuilt constraint.
_SCALE_FACTOR = Decimal(10) ** SCALE


def stored_form_encoder(
    table: Table, columns: Sequence[str], dialect: str
) -> Callable[[Sequence[Any]], list]:
    """A function turning a row of ordinary Python values into ``BulkLoader``'s stored form.

    ``Decimal`` (never float) for money, aware ``datetime``, ``date``, enum members, booleans
    and JSON-able values in; what the table's column types store out. For callers that have
    Python values (an ERP import, the sync's inserts); generators that can produce stored forms
    directly skip it. The one encoder of the project: the first import runs it millions of
    times, so it looks at the column types once and then touches only the values that need a
    conversion.
    """
    converted = [
        (index, convert)
        for index, name in enumerate(columns)
        if (convert := _converter(table.c[name].type, dialect)) is not None
    ]

    def encode(row: Sequence[Any]) -> list:
        values = list(row)
        for index, convert in converted:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return values

    return encode


def _converter(column_type: Any, dialect: str) -> Callable[[Any], Any] | None:
    sqlite = dialect == "sqlite"
    if isinstance(column_type, Exact):
        return _scaled if sqlite else _exact
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


def _exact(value: Any) -> Decimal:
    if value.__class__ is Decimal:
        return value
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    return Decimal(value)


def _scaled(value: Any) -> int:
    """SQLite's stored form of an exact amount: an integer of ten-thousandths (the rule of
    ``core.models.base.to_storage``, inlined: a first import runs it millions of times)."""
    if value.__class__ is not Decimal:
        value = _exact(value)
    return int((value * _SCALE_FACTOR).to_integral_value())


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


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
