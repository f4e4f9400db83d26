"""Training on AR's corrections: the answer changes on the corrected kind of message; merging
keeps one example per request and per text; accuracy on corrections is reported by month."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from ardesk.commands.intents import intents_group
from intents import understand
from intents.corrections import merge
from intents.model import Manifest, load
from intents.thresholds import load as load_thresholds
from tests.support.learning import RECON, correction, recon_model, write_jsonl

#: Not one of the corrected messages: the same kind, worded otherwise.
ASKED = "Could you do a recon for us?"


def _read(text: str, model=None):
    nlp = load(str(model)) if model else None
    thresholds = load_thresholds(str(model)) if model else None
    result = understand("", text, date(2026, 12, 1), nlp=nlp, thresholds=thresholds)
    return result.intents, result.needs_human


def test_training_on_corrections_changes_the_answer_on_the_corrected_kind_of_message():
    # The shipped model: an invoice copy, or a statement it is unsure of — a person must read.
    assert _read(RECON[0]["body"]) == (("invoice_copy",), True)
    assert _read(ASKED)[1] is True
    model = recon_model()
    assert _read(RECON[0]["body"], model) == (("statement",), False)
    assert _read(ASKED, model) == (("statement",), False)
    # Other requests read as before.
    assert _read("Please send a copy of invoice 4711", model)[0] == ("invoice_copy",)
    manifest = Manifest.read(model)
    assert manifest is not None
    assert manifest.corrections == ("correction-1", "correction-2", "correction-3")
    assert manifest.correction_weight == 5
    assert (model / "thresholds.json").exists()


def test_merging_keeps_the_latest_correction_of_a_request_and_of_a_text():
    corpus = [
        {"text": "can you do a recon for us please?", "intents": ["invoice_copy"]},
        {"text": "statement please", "intents": ["statement"]},
    ]
    rows = [
        correction(1, "Can you do a recon for us please?", "2026-10-02T09:00:00+00:00", None),
        # The same request corrected again later: only this one counts.
        correction(
            2,
            "Balance please",
            "2026-10-03T09:00:00+00:00",
            None,
            request=500,
            intents=["invoice_copy"],
        ),
        correction(
            3, "Balance please", "2026-10-04T09:00:00+00:00", None, request=500, intents=["balance"]
        ),
        # Another request reading the same to the model (numbers aside): the later one counts.
        correction(
            4, "Copy of 12 please", "2026-10-05T09:00:00+00:00", None, intents=["invoice_copy"]
        ),
        correction(
            5,
            "Copy of 99 please",
            "2026-10-06T09:00:00+00:00",
            None,
            intents=["invoice_copy", "statement"],
        ),
        correction(6, "", "2026-10-06T09:00:00+00:00", None),  # no text left
        correction(7, "Hello", "2026-10-06T09:00:00+00:00", None, intents=["refund"]),
    ]
    merged = merge(corpus, rows, weight=3)
    assert merged.read == 7 and merged.unusable == 2
    assert merged.superseded == 2  # correction-2 by -3, correction-4 by -5
    assert merged.replaced == 1  # the corpus's own reading of the recon text is dropped
    assert merged.trained == ("correction-1", "correction-3", "correction-5")
    labels = [(row["text"], row["intents"]) for row in merged.rows]
    assert labels.count(("statement please", ["statement"])) == 1
    assert labels.count(("Can you do a recon for us please?", ["statement"])) == 3
    assert labels.count(("Balance please", ["balance"])) == 3
    assert labels.count(("Copy of 99 please", ["invoice_copy", "statement"])) == 3
    assert len(merged.rows) == 1 + 3 * 3


def test_eval_reports_accuracy_on_corrections_by_month_before_and_after_training(tmp_path):
    later = correction(9, "Can you do a recon for us please, for December?",
                       "2026-12-01T09:00:00+00:00", ["invoice_copy"])  # fmt: skip
    exported = write_jsonl(tmp_path / "corrections.jsonl", [*RECON, later])

    def periods(*model: str) -> dict[str, dict]:
        result = CliRunner().invoke(
            intents_group, ["eval", "--corrections", str(exported), "--json", *model]
        )
        assert result.exit_code == 0, result.output
        return {p["month"]: p for p in json.loads(result.output)["periods"]}

    trained = periods("--model", str(recon_model()))
    assert [trained[m]["corrections"] for m in ("2026-10", "2026-11", "2026-12", "all")] == [
        2,
        1,
        1,
        4,
    ]
    assert [trained[m]["trained_on"] for m in ("2026-10", "2026-11", "2026-12")] == [2, 1, 0]
    assert trained["2026-10"]["bot_then"] == 0.0  # the bot had it wrong both times
    assert trained["2026-11"]["bot_then"] is None  # not known for that one
    assert trained["2026-10"]["model_now"] == 1.0
    assert trained["2026-10"]["unseen"] is None  # all of October was trained on
    assert trained["2026-12"]["unseen"] == 1.0  # December's was not, and it is right
    shipped = periods()
    assert shipped["all"]["trained_on"] == 0
    assert shipped["all"]["model_now"] < trained["all"]["model_now"]

    table = CliRunner().invoke(intents_group, ["eval", "--corrections", str(exported)])
    assert (
        table.exit_code == 0 and "2026-10" in table.output and "not yet trained on" in table.output
    )


def test_eval_needs_a_labelled_file_or_corrections(tmp_path):
    result = CliRunner().invoke(intents_group, ["eval"])
    assert result.exit_code != 0 and "--corrections" in result.output
