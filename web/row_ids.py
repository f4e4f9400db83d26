"""Row ids from URLs, forms and cursors: a number too large for a BIGINT names no row.

Passed on, such a number made both databases fail the request (SQLite cannot bind it,
PostgreSQL refuses it as out of range) with a 500 where a missing row answers 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ROW_ID = 2**63 - 1


class RowIdConverter(IntegerConverter):
    """``int`` in routes: a non-negative integer that fits a 64-bit signed column, so a larger
    one does not match the route and answers 404."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def row_id(text: str) -> int | None:
    """The id ``text`` names (ASCII digits that fit a BIGINT), else None."""
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None
