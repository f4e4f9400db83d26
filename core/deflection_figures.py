"""The figures of deflection (``core.deflection`` computes them): per-dimension tallies, the
daily counts the rollup stores, reply-time histograms and what a range's figures hold. Values
only: summing two days' counts needs no database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", int, str)
TOP = 10


@dataclass
class Tally:
    received: int = 0
    answered: int = 0  # automatically
    handed_off: int = 0
    ignored: int = 0
    pending: int = 0
    deflected: int = 0
    # Why automatic answers were not deflected, and the funnel answer → opened → downloaded.
    asked_again: int = 0
    unopened: int = 0
    with_links: int = 0
    opened: int = 0
    downloaded: int = 0

    @property
    def needed_answer(self) -> int:
        return self.received - self.ignored - self.pending

    @property
    def rate(self) -> Decimal | None:
        """Deflected ÷ needed an answer, as a fraction with 4 places; None when nothing needed."""
        if not self.needed_answer:
            return None
        return (Decimal(self.deflected) / Decimal(self.needed_answer)).quantize(Decimal("0.0001"))

    def add(self, other: Tally) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS = tuple(f.name for f in fields(Tally))


@dataclass(frozen=True)
class Durations:
    count: int
    median_seconds: float | None
    p90_seconds: float | None

    @classmethod
    def of(cls, histogram: Counter[int]) -> Durations:
        """From a histogram of whole seconds → replies (what the rollup stores per day)."""
        ordered = sorted(histogram.items())
        count = sum(histogram.values())
        if not count:
            return cls(0, None, None)

        def nth(index: int) -> int:
            for seconds, replies in ordered:
                if index < replies:
                    return seconds
                index -= replies
            raise IndexError(index)

        middle = count // 2
        median = float(nth(middle)) if count % 2 else (nth(middle - 1) + nth(middle)) / 2
        return cls(count, median, float(nth(min(count - 1, int(count * 0.9)))))


@dataclass(frozen=True)
class Funnel:
    answers_with_links: int
    opened: int
    downloaded: int


@dataclass
class Figures:
    since: datetime
    until: datetime
    as_of: datetime
    window_hours: int
    minutes_per_request: int
    total: Tally
    by_channel: dict[str, Tally]
    by_intent: dict[str, Tally]
    by_account: dict[str, Tally]
    not_deflected_repeat: int
    not_deflected_unopened: int
    bot_reply: Durations
    person_reply: Durations
    funnel: Funnel
    repeat_contacts: list[tuple[str, int]]
    repeat_accounts: list[tuple[str, int]]
    workload: list[tuple[str, int, int]]  # agent, open now, answered or closed in range
    oldest_open_handoff: datetime | None
    notes: list[str] = field(default_factory=list)

    @property
    def hours_saved(self) -> Decimal:
        return (Decimal(self.total.deflected * self.minutes_per_request) / 60).quantize(
            Decimal("0.1")
        )


@dataclass
class Counts:
    """What ``figures`` sums: per (dimension, key) tallies (``total`` / ``all`` for every
    request), requests per contact, and reply-time histograms. One per day in the rollup."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    contacts: Counter[int] = field(default_factory=Counter)
    replies: dict[str, Counter[int]] = field(
        default_factory=lambda: {"bot": Counter(), "people": Counter()}
    )

    def tally(self, dimension: str, key: str) -> Tally:
        return self.tallies.setdefault((dimension, key), Tally())

    def add(self, other: Counts) -> None:
        for key, tally in other.tallies.items():
            self.tally(*key).add(tally)
        self.contacts.update(other.contacts)
        for who, histogram in other.replies.items():
            self.replies[who].update(histogram)


def top(counts: Mapping[K, int]) -> list[tuple[K, int]]:
    """The ``TOP`` largest, ties by key: the same order however the counts were summed."""
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))[:TOP]
