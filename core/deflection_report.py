"""The deflection figures as tables (dashboard, CSV export, the command's text) and as one JSON
object (``ardesk report deflection --json``): one shape for every reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.deflection_figures import Durations, Figures, Tally
from core.spreadsheets import Cell

TALLY_HEADER = (
    "received",
    "answered automatically",
    "handed off",
    "ignored",
    "pending",
    "needed an answer",
    "deflected",
    "deflection rate",
)


@dataclass(frozen=True)
class Table:
    slug: str  # the CSV's name: deflection-<slug>.csv
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def _rate(tally: Tally) -> str:
    return "" if tally.rate is None else f"{tally.rate * 100:.1f}%"


def _tally_row(name: str, tally: Tally) -> tuple[Cell, ...]:
    return (name, tally.received, tally.answered, tally.handed_off, tally.ignored,
            tally.pending, tally.needed_answer, tally.deflected, _rate(tally))  # fmt: skip


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


def tables(figures: Figures) -> list[Table]:
    def breakdown(slug: str, title: str, first: str, values: dict[str, Tally]) -> Table:
        rows = [_tally_row(name, tally) for name, tally in values.items()]
        return Table(slug, title, (first, *TALLY_HEADER), rows)

    return [
        Table("summary", "Requests", ("", *TALLY_HEADER), [_tally_row("all", figures.total)]),
        breakdown("channels", "By channel", "channel", figures.by_channel),
        breakdown("intents", "By intent", "intent", figures.by_intent),
        breakdown("accounts", "By account", "account", figures.by_account),
        Table(
            "not-deflected",
            "Automatic answers not counted as deflected",
            ("reason", "requests"),
            [
                (f"asked again within {figures.window_hours} h", figures.not_deflected_repeat),
                ("links never opened", figures.not_deflected_unopened),
            ],
        ),
        Table(
            "time-to-reply",
            "Time to reply (minutes)",
            ("who", "replies", "median", "p90"),
            [_durations("bot", figures.bot_reply), _durations("people", figures.person_reply)],
        ),
        Table(
            "funnel",
            "Answer → link opened → document downloaded",
            ("step", "answers"),
            [
                ("answers with links", figures.funnel.answers_with_links),
                ("a link opened", figures.funnel.opened),
                ("a document downloaded", figures.funnel.downloaded),
            ],
        ),
        Table(
            "repeat-contacts",
            "Contacts who ask most",
            ("contact", "requests"),
            list(figures.repeat_contacts),
        ),
        Table(
            "repeat-accounts",
            "Accounts that ask most",
            ("account", "requests"),
            list(figures.repeat_accounts),
        ),
        Table(
            "workload",
            "Agent workload",
            ("agent", "open now", "answered or closed"),
            list(figures.workload),
        ),
    ]


def _durations(who: str, durations: Durations) -> tuple[Cell, ...]:
    return (who, durations.count, _minutes(durations.median_seconds),
            _minutes(durations.p90_seconds))  # fmt: skip


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "received": tally.received,
        "answered_automatically": tally.answered,
        "handed_off": tally.handed_off,
        "ignored": tally.ignored,
        "pending": tally.pending,
        "needed_answer": tally.needed_answer,
        "deflected": tally.deflected,
        "deflection_rate": None if tally.rate is None else str(tally.rate),
    }


def _durations_json(durations: Durations) -> dict[str, Any]:
    return {
        "replies": durations.count,
        "median_seconds": durations.median_seconds,
        "p90_seconds": durations.p90_seconds,
    }


def as_json(figures: Figures) -> dict[str, Any]:
    return {
        "as_of": figures.as_of.isoformat(),
        "since": figures.since.isoformat(),
        "until": figures.until.isoformat(),
        "repeat_window_hours": figures.window_hours,
        "total": _tally_json(figures.total),
        "by_channel": {k: _tally_json(v) for k, v in figures.by_channel.items()},
        "by_intent": {k: _tally_json(v) for k, v in figures.by_intent.items()},
        "by_account": {k: _tally_json(v) for k, v in figures.by_account.items()},
        "not_deflected": {
            "asked_again": figures.not_deflected_repeat,
            "links_never_opened": figures.not_deflected_unopened,
        },
        "time_to_reply": {
            "bot": _durations_json(figures.bot_reply),
            "people": _durations_json(figures.person_reply),
        },
        "funnel": {
            "answers_with_links": figures.funnel.answers_with_links,
            "link_opened": figures.funnel.opened,
            "document_downloaded": figures.funnel.downloaded,
        },
        "repeat_contacts": [{"contact": c, "requests": n} for c, n in figures.repeat_contacts],
        "repeat_accounts": [{"account": a, "requests": n} for a, n in figures.repeat_accounts],
        "workload": [{"agent": a, "open": o, "resolved": r} for a, o, r in figures.workload],
        "oldest_open_handoff": figures.oldest_open_handoff.isoformat()
        if figures.oldest_open_handoff
        else None,
        "minutes_per_request": figures.minutes_per_request,
        "hours_saved": str(figures.hours_saved),
    }
