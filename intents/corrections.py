"""Corrections AR made in the console, as labelled examples for training and evaluation.

They come as the JSONL `ardesk corrections export` writes (this package never reads a database):
`id`, `request` (the corrected request), `subject`, `body`, `received`, `channel`, `language`,
`intents`, `corrected_at` and `understood` (what the bot had read).

For training (`merge`):

- the latest correction of a request wins (a person may correct twice); so does the latest of
  corrections whose texts read the same to the model (numbers collapse to one shape);
- a generated or hand-written corpus example that reads the same as a correction is dropped:
  a person's reading of a real message beats a template's label;
- each correction counts ``weight`` times: a few dozen corrections among some 6,000 corpus
  examples would barely move the model at weight one.

For evaluation (`over_time`): accuracy (the exact set of intents) by month of the correction,
of the bot as it was when corrected and of the model being evaluated, apart for the corrections
that model was trained on (its manifest names them) and those it has not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from intents.model import prepare
from intents.result import INTENTS, Understanding
from intents.understand import Message, model_text

#: How many times a correction counts in training, by default.
DEFAULT_WEIGHT = 5


@dataclass(frozen=True, slots=True)
class Corrected:
    """One exported correction, as the model reads it."""

    id: str
    request: str
    message: Message
    text: str  # what the classifier reads: usable subject and new text
    intents: tuple[str, ...]
    language: str
    corrected_at: datetime | None
    understood: tuple[str, ...] | None


def parse(rows: Sequence[dict[str, object]]) -> tuple[list[Corrected], int]:
    """The usable corrections, oldest first, and how many rows were not usable (no text, or
    intents outside the taxonomy)."""
    usable: list[tuple[datetime, int, Corrected]] = []
    for index, row in enumerate(rows):
        intents = tuple(str(name) for name in row.get("intents") or ())  # type: ignore[attr-defined]
        received = row.get("received")
        message = Message(
            subject=str(row.get("subject") or ""),
            body=str(row.get("body") or ""),
            received=date.fromisoformat(str(received)) if received else date.today(),
            channel=str(row.get("channel") or "email"),
        )
        text = model_text(message)
        if not text.strip() or not intents or not set(intents) <= set(INTENTS):
            continue
        at = _when(row.get("corrected_at"))
        understood = row.get("understood")
        identifier = str(row.get("id") or f"line-{index + 1}")
        corrected = Corrected(
            id=identifier,
            request=str(row.get("request") or identifier),
            message=message,
            text=text,
            intents=intents,
            language=str(row.get("language") or ""),
            corrected_at=at,
            understood=tuple(str(n) for n in understood) if isinstance(understood, list) else None,
        )
        usable.append((at or datetime.min, index, corrected))
    usable.sort(key=lambda item: (item[0].replace(tzinfo=None), item[1]))
    return [item[2] for item in usable], len(rows) - len(usable)


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def latest_per_request(corrections: Sequence[Corrected]) -> list[Corrected]:
    """The last correction of each request, oldest first (``corrections`` oldest first)."""
    latest = {c.request: c for c in corrections}
    return [c for c in corrections if latest[c.request] is c]


def _key(text: str) -> str:
    return " ".join(prepare(text).split())


@dataclass(frozen=True, slots=True)
class Merged:
    """Training rows with the corrections in, and what merging did."""

    rows: list[dict[str, object]]
    read: int  # correction rows read
    unusable: int  # no text, or intents outside the taxonomy
    superseded: int  # a later correction of the same request, or of the same text, won
    replaced: int  # corpus examples that read the same as a correction, dropped
    trained: tuple[str, ...]  # ids of the corrections in the rows
    weight: int


def merge(
    corpus: Sequence[dict[str, object]],
    rows: Sequence[dict[str, object]],
    weight: int = DEFAULT_WEIGHT,
) -> Merged:
    """The corpus with the exported corrections ``rows`` in (see the module's rules)."""
    corrections, unusable = parse(rows)
    per_request = latest_per_request(corrections)
    by_text = {_key(c.text): c for c in per_request}
    kept = [c for c in per_request if by_text[_key(c.text)] is c]
    remaining = [row for row in corpus if _key(str(row["text"])) not in by_text]
    examples = [
        {"text": c.text, "intents": list(c.intents), "language": c.language}
        for c in kept
        for _ in range(weight)
    ]
    return Merged(
        rows=[*remaining, *examples],
        read=len(rows),
        unusable=unusable,
        superseded=len(corrections) - len(kept),
        replaced=len(corpus) - len(remaining),
        trained=tuple(c.id for c in kept),
        weight=weight,
    )


@dataclass(frozen=True, slots=True)
class Period:
    """Accuracy on one month's corrections (or all of them)."""

    month: str  # "2026-11", or "all"
    corrections: int
    trained_on: int  # how many of them the evaluated model was trained on
    bot_then: float | None  # the bot's reading when corrected (where the export knows it)
    model_now: float  # the evaluated model, on all of them
    unseen: float | None  # the evaluated model, on those it was not trained on


def over_time(
    corrections: Sequence[Corrected],
    predictions: Sequence[Understanding],
    trained: frozenset[str],
) -> list[Period]:
    """Accuracy by month of the correction, then over all; ``predictions`` in the same order."""
    months: dict[str, list[tuple[Corrected, Understanding]]] = {}
    for corrected, predicted in zip(corrections, predictions, strict=True):
        month = corrected.corrected_at.strftime("%Y-%m") if corrected.corrected_at else "unknown"
        months.setdefault(month, []).append((corrected, predicted))
    pairs = list(zip(corrections, predictions, strict=True))
    return [_period(month, months[month], trained) for month in sorted(months)] + (
        [_period("all", pairs, trained)] if pairs else []
    )


def _period(
    month: str, pairs: list[tuple[Corrected, Understanding]], trained: frozenset[str]
) -> Period:
    def accuracy(items: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> float | None:
        if not items:
            return None
        return sum(set(truth) == set(guess) for truth, guess in items) / len(items)

    unseen = [(c.intents, p.intents) for c, p in pairs if c.id not in trained]
    then = [(c.intents, c.understood) for c, _ in pairs if c.understood is not None]
    return Period(
        month=month,
        corrections=len(pairs),
        trained_on=sum(c.id in trained for c, _ in pairs),
        bot_then=accuracy(then),  # type: ignore[arg-type]
        model_now=accuracy([(c.intents, p.intents) for c, p in pairs]) or 0.0,
        unseen=accuracy(unseen),
    )


def format_over_time(periods: Sequence[Period]) -> str:
    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    lines = [f"{'month':8} {'corrections':>11} {'trained on':>10} {'bot then':>9} "
             f"{'model now':>9} {'not yet trained on':>18}"]  # fmt: skip
    for p in periods:
        lines.append(
            f"{p.month:8} {p.corrections:11d} {p.trained_on:10d} {figure(p.bot_then):>9} "
            f"{figure(p.model_now):>9} {figure(p.unseen):>18}"
        )
    return "\n".join(lines)
