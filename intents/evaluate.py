"""Score request understanding against a labelled JSONL set (the corpus format)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from spacy.language import Language

from intents.result import ANSWERABLE, INTENTS, Understanding
from intents.thresholds import Outcome, Thresholds, calibrate
from intents.understand import Message, decide, score_many, understand_many


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    messages: int
    exact_set_accuracy: float
    per_intent: dict[str, Scores]
    invoice_references: Scores
    po_references: Scores
    language_accuracy: float
    period_accuracy: float
    abstentions: int
    unsafe_answers: int
    unsafe_rate: float
    #: Bare candidates left for the account to confirm: real references among them (rescued
    #: when the invoice is on the account) and other numbers (rejected when it is not).
    candidates_true: int = 0
    candidates_false: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def load_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def to_message(row: dict[str, object]) -> Message:
    received = row.get("received")
    return Message(
        subject=str(row.get("subject") or ""),
        body=str(row.get("body") or ""),
        received=date.fromisoformat(str(received)) if received else date.today(),
        channel=str(row.get("channel") or "email"),
    )


def evaluate(
    rows: Sequence[dict[str, object]],
    nlp: Language | None = None,
    thresholds: Thresholds | None = None,
) -> Report:
    messages = [to_message(row) for row in rows]
    predictions = understand_many(messages, nlp=nlp, thresholds=thresholds)
    return score(rows, predictions)


def calibrate_on(rows: Sequence[dict[str, object]], nlp: Language | None = None) -> Thresholds:
    """Thresholds chosen on these labelled rows (never the held-out set)."""
    messages = [to_message(row) for row in rows]
    scored = score_many(messages, nlp=nlp)
    truths = [set(row.get("intents") or []) for row in rows]  # type: ignore[arg-type]

    def outcome(thresholds: Thresholds) -> Outcome:
        exact = unsafe = 0
        for message, one, truth in zip(messages, scored, truths, strict=True):
            predicted = decide(message, one, thresholds)
            exact += set(predicted.intents) == truth
            unsafe += _unsafe(truth, predicted)
        return Outcome(exact=exact, unsafe=unsafe)

    return calibrate(outcome)


def _unsafe(truth: set[str], predicted: Understanding) -> bool:
    """An answer sent for a message that asked for nothing answerable."""
    guessed = set(predicted.intents)
    return bool(guessed & ANSWERABLE and not truth & ANSWERABLE and not predicted.needs_human)


def score(rows: Sequence[dict[str, object]], predictions: Sequence[Understanding]) -> Report:
    exact = language = period_right = abstentions = unsafe = 0
    candidates_true = candidates_false = 0
    counts = {name: [0, 0, 0] for name in INTENTS}  # tp, fp, fn
    invoice = [0, 0, 0]
    po = [0, 0, 0]
    errors: list[dict[str, object]] = []
    for row, predicted in zip(rows, predictions, strict=True):
        truth = set(row.get("intents") or [])  # type: ignore[arg-type]
        guessed = set(predicted.intents)
        exact += truth == guessed
        for name in INTENTS:
            counts[name][0] += name in truth and name in guessed
            counts[name][1] += name in guessed and name not in truth
            counts[name][2] += name in truth and name not in guessed
        _tally(invoice, set(row.get("invoice_numbers") or []), set(predicted.invoice_numbers))  # type: ignore[arg-type]
        _tally(po, set(row.get("po_numbers") or []), set(predicted.po_numbers))  # type: ignore[arg-type]
        language += row.get("language") == predicted.language
        period = predicted.period.to_dict() if predicted.period else None
        period_right += period == row.get("period")
        abstentions += predicted.needs_human
        unsafe += _unsafe(truth, predicted)
        true_references = set(row.get("invoice_numbers") or [])  # type: ignore[arg-type]
        for candidate in predicted.candidates:
            candidates_true += candidate in true_references
            candidates_false += candidate not in true_references
        if truth != guessed or period != row.get("period"):
            errors.append(
                {
                    "id": row.get("id"),
                    "truth": sorted(truth),
                    "predicted": sorted(guessed),
                    "needs_human": predicted.needs_human,
                    "period": period,
                    "true_period": row.get("period"),
                }
            )
    total = max(1, len(rows))
    return Report(
        messages=len(rows),
        exact_set_accuracy=exact / total,
        per_intent={name: _scores(*counts[name]) for name in INTENTS},
        invoice_references=_scores(*invoice),
        po_references=_scores(*po),
        language_accuracy=language / total,
        period_accuracy=period_right / total,
        abstentions=abstentions,
        unsafe_answers=unsafe,
        unsafe_rate=unsafe / total,
        candidates_true=candidates_true,
        candidates_false=candidates_false,
        errors=errors,
    )


def _tally(counts: list[int], truth: set[str], guessed: set[str]) -> None:
    counts[0] += len(truth & guessed)
    counts[1] += len(guessed - truth)
    counts[2] += len(truth - guessed)


def _scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def format_report(report: Report) -> str:
    lines = [
        f"messages                 {report.messages}",
        f"intent exact-set acc.    {report.exact_set_accuracy:.3f}",
        f"language accuracy        {report.language_accuracy:.3f}",
        f"period accuracy          {report.period_accuracy:.3f}",
        f"abstentions (needs_human) {report.abstentions} "
        f"({report.abstentions / max(1, report.messages):.1%})",
        f"unsafe answers           {report.unsafe_answers} ({report.unsafe_rate:.1%})",
        f"bare candidates          {report.candidates_true} references, "
        f"{report.candidates_false} other numbers (the account confirms or drops them)",
        "",
        f"{'':24} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}",
    ]
    rows = [
        *report.per_intent.items(),
        ("invoice refs", report.invoice_references),
        ("po refs", report.po_references),
    ]
    for name, scores in rows:
        lines.append(
            f"{name:24} {scores.precision:6.3f} {scores.recall:6.3f} {scores.f1:6.3f} "
            f"{scores.support:5d}"
        )
    return "\n".join(lines)
