"""Business hours: when AR works, and when a first response to a hand-off is due.

A target of 4 hours for a request that arrives on Friday at 16:00 falls due on Monday at
12:00: time only runs on working days, inside working hours, outside holidays, in the team's
time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\s*(?P<days>[a-z,\-\s]+?)\s+(?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)\s*$")


@dataclass(frozen=True)
class Schedule:
    zone: ZoneInfo
    days: frozenset[int]  # Monday is 0
    start: time
    end: time
    holidays: frozenset[date]

    @classmethod
    def parse(cls, hours: str, zone: str, holidays: tuple[str, ...] = ()) -> Schedule:
        """``mon-fri 09:00-17:00`` in ``zone``; a ValueError names what is wrong."""
        match = _HOURS.match(hours.lower())
        if not match:
            raise ValueError(f"not business hours: {hours!r} (e.g. mon-fri 09:00-17:00)")
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {zone!r}") from None
        start, end = time.fromisoformat(match["start"]), time.fromisoformat(match["end"])
        if end <= start:
            raise ValueError(f"working hours end before they start: {hours!r}")
        return cls(tz, _days(match["days"]), start, end, frozenset(_dates(holidays)))

    def working(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def due(self, since: datetime, target: timedelta) -> datetime:
        """When ``target`` of working time has passed after ``since`` (an aware datetime)."""
        local = since.astimezone(self.zone)
        left = target
        day = local.date()
        for _ in range(3660):  # ten years of days: a schedule always has a working day
            if self.working(day):
                opens = datetime.combine(day, self.start, tzinfo=self.zone)
                closes = datetime.combine(day, self.end, tzinfo=self.zone)
                begin = max(opens, local)
                if begin < closes:
                    if begin + left <= closes:
                        return (begin + left).astimezone(UTC)
                    left -= closes - begin
            day += timedelta(days=1)
        raise ValueError("no working day in the schedule")


def _days(text: str) -> frozenset[int]:
    chosen: set[int] = set()
    for part in (p.strip() for p in text.split(",") if p.strip()):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"not a day: {part!r} (use mon … sun)")
        a, b = DAYS.index(first), DAYS.index(last or first)
        chosen.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(chosen)


def _dates(values: tuple[str, ...]) -> list[date]:
    try:
        return [date.fromisoformat(value) for value in values]
    except ValueError:
        raise ValueError(f"not ISO dates: {', '.join(values)}") from None
