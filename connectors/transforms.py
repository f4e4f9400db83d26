"""Turning one source value into a canonical one: decimals, dates, times, flags, code lists.

Each function takes the raw value (text from a file, a number or date from a driver, JSON from an
API) and raises ``ValueError`` with a reason a user understands when it cannot.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

_ODATA_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_TRUE = frozenset({"true", "1", "yes", "y", "x", "t", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "f", "off", ""})
_EXCEL_EPOCH = date(1899, 12, 30)


def to_decimal(value: Any, *, decimal_sep: str = ".", thousands_sep: str = "") -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError("not a number")
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        # The source stores binary floats (SQLite NUMERIC, some JSON): the shortest repr is the
        # decimal that was written, where Decimal(float) would carry the binary error.
        result = Decimal(repr(value))
    else:
        text = str(value).strip()
        if thousands_sep:
            text = text.replace(thousands_sep, "")
        if decimal_sep != ".":
            text = text.replace(decimal_sep, ".")
        if text.endswith("-"):  # SAP and some exports write a trailing minus: "12.50-"
            text = "-" + text[:-1]
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {_show(value)}") from None
    if not result.is_finite():
        raise ValueError(f"not a number: {_show(value)}")
    return result


def to_date(value: Any, fmt: str = "iso") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if fmt == "excel" or (isinstance(value, int | float) and not isinstance(value, bool)):
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    try:
        if fmt == "iso":
            match = _ODATA_DATE.match(text)
            if match:
                return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC).date()
            return date.fromisoformat(text[:10])
        return datetime.strptime(text, fmt).date()
    except ValueError:
        raise ValueError(f"not a date{_expected(fmt)}: {_show(value)}") from None


def to_datetime(value: Any, fmt: str = "iso", zone: tzinfo = UTC) -> datetime:
    """An aware UTC datetime; a naive source value is read in the source's time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif fmt in ("epoch", "epoch_ms") or isinstance(value, int | float):
        seconds = float(value) / (1000 if fmt == "epoch_ms" else 1)
        return datetime.fromtimestamp(seconds, UTC)
    else:
        text = str(value).strip()
        try:
            if fmt == "iso":
                match = _ODATA_DATE.match(text)
                if match:
                    return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
                moment = datetime.fromisoformat(text)
            else:
                moment = datetime.strptime(text, fmt)
        except ValueError:
            raise ValueError(f"not a date and time{_expected(fmt)}: {_show(value)}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {_show(value)}")


def to_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id that went through a spreadsheet: 10423.0 → "10423"
    return str(value).strip()


def _expected(fmt: str) -> str:
    return "" if fmt == "iso" else f" in the format {fmt}"


def _show(value: Any) -> str:
    # Values are shown truncated: a report names the problem, it does not copy the data.
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
