"""A tiny training run: the pipeline trains, saves and loads (never the full model here)."""

from datetime import date

from intents import understand
from intents.data.generate import generate
from intents.model import load
from intents.train import train


def test_a_tiny_training_run_saves_a_loadable_model(tmp_path):
    examples = [
        {"text": "please send a copy of invoice 123", "intents": ["invoice_copy"]},
        {"text": "statement of account please", "intents": ["statement"]},
        {"text": "what is our balance", "intents": ["balance"]},
        {"text": "did you receive our payment", "intents": ["payment_status"]},
        {"text": "the price on invoice 9 is wrong", "intents": ["dispute"]},
        {"text": "out of office until monday", "intents": ["auto_reply"]},
        {"text": "our bank details changed", "intents": ["other"]},
    ]
    report = train(output=tmp_path / "model", seed=1, epochs=2, examples=examples)
    assert report.examples == len(examples)
    nlp = load(str(tmp_path / "model"))
    result = understand("", "statement of account please", date(2027, 1, 5), nlp=nlp)
    assert len(result.confidence) == 7


def test_generated_examples_are_reproducible_from_the_seed():
    first = [row["text"] for _, row in zip(range(50), generate(seed=3), strict=False)]
    second = [row["text"] for _, row in zip(range(50), generate(seed=3), strict=False)]
    assert first == second
