"""Values in the form each database stores them, precomputed where the generator repeats them.

The generator computes money as integers of cents and dates as day numbers; this turns them
into what ``core.bulkload`` writes: on SQLite ten-thousandths as integers, ISO dates and naive
UTC timestamps as text; on PostgreSQL numeric input text (``12345e-2`` is exactly 123.45), ISO
dates and timestamps with an explicit ``+00`` offset.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

# Invoices are issued over the two years before the as-of date.
HISTORY_DAYS = 730
# Due dates and payment runs can fall this far past the as-of date.
FUTURE_DAYS = 400
MAX_QUANTITY = 1_000


class Storage:
    """Stored forms for one dialect and one calendar (day 0 is ``as_of - HISTORY_DAYS``)."""

    def __init__(self, dialect: str, as_of: date) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"no demo data encoding for {dialect!r}")
        self.dialect = dialect
        self.as_of = as_of
        self.start = as_of - timedelta(days=HISTORY_DAYS)
        self.today = HISTORY_DAYS
        days = [self.start + timedelta(days=n) for n in range(HISTORY_DAYS + FUTURE_DAYS + 1)]
        self.dates = [d.isoformat() for d in days]
        self.years = [d.year for d in days]
        self.compact_dates = [d.strftime("%Y%m%d") for d in days]
        # Monday = 0 for day 0; payment runs snap to one weekday per customer.
        self.first_weekday = self.start.weekday()
        sqlite = dialect == "sqlite"
        # A time of day that varies from day to day, so timestamps do not all read 00:00.
        suffix = ".000000" if sqlite else "+00"
        self.stamps = [
            f"{text} {7 + n % 11:02d}:{(n * 7) % 60:02d}:{(n * 13) % 60:02d}{suffix}"
            for n, text in enumerate(self.dates)
        ]
        self.money: Callable[[int], int | str]
        if sqlite:
            self.money = (100).__mul__  # cents → ten-thousandths
            self.quantities = [q * 10_000 for q in range(MAX_QUANTITY + 1)]
            self.negative_quantities = [-q * 10_000 for q in range(MAX_QUANTITY + 1)]
            self.true: int | bool = 1
            self.false: int | bool = 0
        else:
            self.money = "{}e-2".format
            self.quantities = [str(q) for q in range(MAX_QUANTITY + 1)]
            self.negative_quantities = [str(-q) for q in range(MAX_QUANTITY + 1)]
            self.true, self.false = True, False

    def rate(self, ten_thousandths: int) -> int | str:
        """A tax rate in percent given in ten-thousandths of a percent (19 % is 190000)."""
        return ten_thousandths if self.dialect == "sqlite" else f"{ten_thousandths}e-4"

    def json(self, value: object) -> str:
        return json.dumps(value)

    def day_of(self, value: date) -> int:
        return (value - self.start).days
