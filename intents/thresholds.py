"""Per-intent decision thresholds, calibrated on labelled data the held-out figures never see.

Two numbers per intent. `choose`: the whole message's probability at which the intent is chosen.
`clause`: the probability of one clause read alone at which a further request in a compound message
is chosen ("copies of X and Y, and what do we owe in total?": the balance question is weak in the
whole message, beside a strong copy request, and strong in its own clause). Short clauses score
every intent middling, so `clause` sits high; 1.01 switches it off.

`ardesk intents calibrate FILE…` chooses them by coordinate search for the best exact-set accuracy
with no unsafe answer, and writes `thresholds.json` beside the model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from intents.result import INTENTS

FILE_NAME = "thresholds.json"
#: Intents a clause alone may add: requests, never "other" or "auto_reply".
CLAUSE_INTENTS: tuple[str, ...] = (
    "invoice_copy",
    "statement",
    "balance",
    "payment_status",
    "dispute",
)
CHOOSE_GRID = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
CLAUSE_GRID = (0.8, 0.85, 0.9, 0.93, 0.96, 0.98, 1.01)
OFF = 1.01


def _default_choose() -> dict[str, float]:
    return dict.fromkeys(INTENTS, 0.5)


def _default_clause() -> dict[str, float]:
    return dict.fromkeys(INTENTS, OFF)


@dataclass(frozen=True, slots=True)
class Thresholds:
    choose: dict[str, float] = field(default_factory=_default_choose)
    clause: dict[str, float] = field(default_factory=_default_clause)

    def to_json(self) -> str:
        return json.dumps({"choose": self.choose, "clause": self.clause}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Thresholds:
        data = json.loads(text)
        return cls(
            choose={**_default_choose(), **data.get("choose", {})},
            clause={**_default_clause(), **data.get("clause", {})},
        )


@lru_cache(maxsize=4)
def load(directory: str) -> Thresholds:
    """The thresholds shipped beside a model; the defaults when there are none (cached)."""
    return read(Path(directory))


def read(directory: Path) -> Thresholds:
    """The thresholds beside a model, read now; ValueError when the file is malformed."""
    path = directory / FILE_NAME
    if not path.exists():
        return Thresholds()
    try:
        thresholds = Thresholds.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"{path} is not a thresholds file ({type(error).__name__})") from None
    values = [*thresholds.choose.values(), *thresholds.clause.values()]
    if not all(isinstance(v, int | float) and 0.0 <= v <= OFF for v in values):
        raise ValueError(f"{path} holds a threshold outside 0..{OFF}")
    return thresholds


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a set of thresholds does on labelled data."""

    exact: int
    unsafe: int


def calibrate(evaluate: Callable[[Thresholds], Outcome], rounds: int = 2) -> Thresholds:
    """Coordinate search: one intent's pair of thresholds at a time, the others held; a pair
    replaces the current one only when it gets more messages exactly right with no unsafe
    answer, so a threshold moves from its default only for a reason in the data."""
    best = Thresholds()
    best_outcome = evaluate(best)
    for _ in range(rounds):
        for intent in INTENTS:
            if intent == "auto_reply":
                continue  # rules decide auto-replies, not the model
            clause_grid = CLAUSE_GRID if intent in CLAUSE_INTENTS else (OFF,)
            for choose in CHOOSE_GRID:
                for clause in clause_grid:
                    trial = _with(best, intent, choose, clause)
                    outcome = evaluate(trial)
                    if outcome.unsafe == 0 and outcome.exact > best_outcome.exact:
                        best, best_outcome = trial, outcome
    return best


def _with(thresholds: Thresholds, intent: str, choose: float, clause: float) -> Thresholds:
    return replace(
        thresholds,
        choose={**thresholds.choose, intent: choose},
        clause={**thresholds.clause, intent: clause},
    )


def save(thresholds: Thresholds, directory: Path) -> Path:
    path = directory / FILE_NAME
    path.write_text(thresholds.to_json(), encoding="utf-8")
    load.cache_clear()
    return path
