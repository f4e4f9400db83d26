"""Train the intent classifier from `intents/data`, reproducibly from a seed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from intents.data.generate import training_examples
from intents.model import MODEL_DIR, blank_pipeline, prepare
from intents.result import INTENTS


@dataclass(frozen=True, slots=True)
class TrainingReport:
    examples: int
    epochs: int
    final_loss: float
    output: Path


def train(
    output: Path = MODEL_DIR,
    seed: int = 7,
    epochs: int = 12,
    examples: Sequence[dict[str, object]] | None = None,
) -> TrainingReport:
    """Train on `examples` (default: the generated and hand-written sets) and save to `output`."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    rows = list(examples) if examples is not None else training_examples(seed)
    nlp = blank_pipeline()
    data = [
        Example.from_dict(
            nlp.make_doc(prepare(str(row["text"]))),
            {"cats": {label: float(label in row["intents"]) for label in INTENTS}},  # type: ignore[operator]
        )
        for row in rows
    ]
    optimizer = nlp.initialize(lambda: data)
    loss = 0.0
    for _ in range(epochs):
        rng.shuffle(data)
        losses: dict[str, float] = {}
        for batch in minibatch(data, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        loss = losses.get("textcat_multilabel", 0.0)
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return TrainingReport(examples=len(data), epochs=epochs, final_loss=loss, output=output)
