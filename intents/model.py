"""The intent classifier: a spaCy `textcat_multilabel` with a bag-of-words model.

One multilingual pipeline (`spacy.blank("xx")` tokenisation) serves all seven languages: the trade
vocabulary is small and distinct per language, and one model loads once and batches everything.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from intents.result import INTENTS

MODEL_DIR = Path(__file__).with_name("model")
#: What a model folder was trained on; written last by `intents.train`, so a folder whose
#: manifest changed holds a complete new model.
MANIFEST = "training.json"

#: Hash table size of the bag-of-words features. 2**17 rows x 7 labels keeps the model near 4 MB.
BOW_LENGTH = 2**17

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"[ \t]+")
# spaCy's tokenizer strips prefixes and suffixes from a word one at a time, searching the rest
# anew each time: a word made of them costs it the square of its length (8,000 apostrophes took
# 12 s, as did 4,000 repeats of "'s"). No word of a request is longer than a long URL, so each
# is cut there, and the tokenizer's work stays linear in the text.
LONGEST_WORD = 64
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def prepare(text: str) -> str:
    """What the model reads: lower-cased, every number collapsed to one token shape, every word
    cut to ``LONGEST_WORD`` characters."""
    text = _LONG_WORD.sub(_cut, _DIGITS.sub("9", text.lower()))
    return _SPACE.sub(" ", text)


def _cut(word: re.Match[str]) -> str:
    return word.group(0)[:LONGEST_WORD]


def blank_pipeline() -> Language:
    nlp = spacy.blank("xx")
    config = {
        "threshold": 0.5,
        "model": {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": False,
            "ngram_size": 2,
            "no_output_layer": False,
            "length": BOW_LENGTH,
        },
    }
    textcat = nlp.add_pipe("textcat_multilabel", config=config)
    for label in INTENTS:
        textcat.add_label(label)
    return nlp


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Language:
    """Load the shipped model (cached). Raises FileNotFoundError when it is missing."""
    directory = Path(path) if path else MODEL_DIR
    if not (directory / "config.cfg").exists():
        raise FileNotFoundError(f"no intent model at {directory}; run `ardesk intents train`")
    return spacy.load(directory)


def version(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """A cheap fingerprint of a model folder (the manifest, or spaCy's meta.json, and the
    thresholds): it changes when a training or a calibration finishes writing there."""
    marks = []
    for name in (MANIFEST if (directory / MANIFEST).exists() else "meta.json", "thresholds.json"):
        try:
            stat = (directory / name).stat()
        except OSError:
            continue
        marks.append((name, stat.st_mtime_ns, stat.st_size))
    return tuple(marks)


def load_checked(directory: Path) -> Language:
    """Load a model folder afresh (not cached) and prove it answers: a model that cannot load,
    lacks an intent or fails on a message raises ValueError with a one-line reason."""
    if not (directory / "config.cfg").exists():
        raise ValueError(f"no intent model at {directory}")
    try:
        nlp = spacy.load(directory)
    except Exception as error:  # spaCy and its readers raise many kinds for a damaged file
        reason = f"does not load ({type(error).__name__})"
        raise ValueError(f"the model at {directory} {reason}") from None
    if "textcat_multilabel" not in nlp.pipe_names:
        raise ValueError(f"the model at {directory} has no intent classifier")
    labels = set(nlp.get_pipe("textcat_multilabel").labels)
    if labels != set(INTENTS):
        raise ValueError(f"the model at {directory} knows other intents: {sorted(labels)}")
    try:
        (scores,) = predict(["please send a copy of invoice 1"], nlp=nlp)
    except Exception as error:
        reason = f"fails to score ({type(error).__name__})"
        raise ValueError(f"the model at {directory} {reason}") from None
    if not all(0.0 <= value <= 1.0 for value in scores.values()):
        raise ValueError(f"the model at {directory} scores outside 0..1")
    return nlp


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a trained model folder was trained on (no message text: correction ids only)."""

    seed: int
    epochs: int
    examples: int
    corrections: tuple[str, ...] = ()
    correction_weight: int = 0
    trained_at: str = ""

    def write(self, directory: Path) -> Path:
        """Write atomically (a reader sees the old manifest or the new, never half of one)."""
        path = directory / MANIFEST
        temporary = directory / f".{MANIFEST}.{os.getpid()}"
        data = {
            "seed": self.seed,
            "epochs": self.epochs,
            "examples": self.examples,
            "corrections": list(self.corrections),
            "correction_weight": self.correction_weight,
            "trained_at": self.trained_at,
        }
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
        return path

    @classmethod
    def read(cls, directory: Path) -> Manifest | None:
        """The folder's manifest; None for a model without one (the shipped model)."""
        try:
            data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(
            seed=int(data.get("seed", 0)),
            epochs=int(data.get("epochs", 0)),
            examples=int(data.get("examples", 0)),
            corrections=tuple(str(i) for i in data.get("corrections", ())),
            correction_weight=int(data.get("correction_weight", 0)),
            trained_at=str(data.get("trained_at", "")),
        )


def predict(
    texts: Iterable[str], nlp: Language | None = None, batch_size: int = 256
) -> Iterator[dict[str, float]]:
    """Probabilities for every intent, one dict per text, in order.

    A text with nothing but whitespace scores 0 for every intent without reaching the model:
    spaCy's bag-of-words layer fails on an empty document batched beside others.
    """
    nlp = nlp or load()
    prepared = [prepare(text) for text in texts]
    docs = nlp.pipe((text for text in prepared if text.strip()), batch_size=batch_size)
    for text in prepared:
        doc = next(docs) if text.strip() else None
        yield {label: float(doc.cats.get(label, 0.0)) if doc else 0.0 for label in INTENTS}
