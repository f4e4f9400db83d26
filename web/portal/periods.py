"""Statement periods: presets relative to today, or a custom range."""

from __future__ import annotations

from datetime import date, timedelta

PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year")
# A statement covers at most this long (a longer one is a data export, not a statement).
MAX_DAYS = 3 * 366


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def preset(name: str, today: date) -> tuple[date, date]:
    if name == "this_month":
        return today.replace(day=1), today
    if name == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if name == "this_quarter":
        return _quarter_start(today), today
    if name == "last_quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if name == "this_year":
        return date(today.year, 1, 1), today
    if name == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(f"unknown period {name!r}")


def custom(start: str, end: str) -> tuple[date, date] | None:
    """A valid custom range, or None (the page then explains what is wrong)."""
    try:
        period_from, period_to = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return None
    if period_to < period_from or (period_to - period_from).days > MAX_DAYS:
        return None
    return period_from, period_to
