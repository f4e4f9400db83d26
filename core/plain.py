"""Plain JSON values from ardesk's values: money as decimal strings, dates ISO 8601, enums by
value, dataclasses (answers) as objects naming their type. Shared by the command line and the
decision record so both write the same thing."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {"type": type(value).__name__}
        data.update({f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)})
        return data
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"{len(value)} bytes"  # an attachment: its size, never its content
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value
