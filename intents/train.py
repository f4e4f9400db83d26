"""Train the intent classifier from `intents/data` (and AR's corrections), reproducibly from a
seed, into a model folder that running workers may be reading.

The folder is written so that a reader never loads half of two models: the model is saved to a
temporary folder beside it, moved in part by part, and the manifest (`training.json`, what the
model was trained on) is written last and atomically — workers reload when it changes
(`intents.model.version`). The folder keeps its own thresholds (`ardesk intents calibrate
--model DIR` chose them); a folder without any gets the shipped model's.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from intents.data.generate import training_examples
from intents.model import MODEL_DIR, Manifest, blank_pipeline, prepare
from intents.result import INTENTS
from intents.thresholds import FILE_NAME as THRESHOLDS


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
    corrections: Sequence[str] = (),
    correction_weight: int = 0,
) -> TrainingReport:
    """Train on `examples` (default: the generated and hand-written sets) and save to `output`;
    `corrections` (ids) and their weight are recorded in the manifest, not used here: the
    caller merged them into `examples` (`intents.corrections.merge`)."""
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
    with tempfile.TemporaryDirectory(prefix=f".{output.name}.", dir=output.parent) as staging:
        nlp.to_disk(staging)
        _move_in(Path(staging), output)
    if not (output / THRESHOLDS).exists():
        shutil.copyfile(MODEL_DIR / THRESHOLDS, output / THRESHOLDS)
    Manifest(
        seed=seed,
        epochs=epochs,
        examples=len(data),
        corrections=tuple(corrections),
        correction_weight=correction_weight,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
    ).write(output)
    return TrainingReport(examples=len(data), epochs=epochs, final_loss=loss, output=output)


def _move_in(staging: Path, output: Path) -> None:
    """Replace each part of the model in `output` by the freshly saved one."""
    for part in staging.iterdir():
        target = output / part.name
        if target.is_dir():
            shutil.rmtree(target)
        part.replace(target)
