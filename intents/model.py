"""The intent classifier: a spaCy `textcat_multilabel` with a bag-of-words model.

One multilingual pipeline (`spacy.blank("xx")` tokenisation) serves all seven languages: the trade
vocabulary is small and distinct per language, and one model loads once and batches everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from intents.result import INTENTS

MODEL_DIR = Path(__file__).with_name("model")

#: Hash table size of the bag-of-words features. 2**17 rows x 7 labels keeps the model near 4 MB.
BOW_LENGTH = 2**17

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"[ \t]+")


def prepare(text: str) -> str:
    """What the model reads: lower-cased, every number collapsed to one token shape."""
    return _SPACE.sub(" ", _DIGITS.sub("9", text.lower()))


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
