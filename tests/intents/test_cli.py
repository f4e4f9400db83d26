"""`ardesk classify` and `ardesk intents` through click's runner."""

import json

from click.testing import CliRunner

from ardesk.commands.intents import classify, intents_group


def test_it_classifies_one_text():
    result = CliRunner().invoke(classify, ["can you resend inv 3318?", "--received", "2027-03-02"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["intents"] == ["invoice_copy"]
    assert data["invoice_numbers"] == ["3318"]


def test_jsonl_reports_a_bad_line_and_carries_on(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "m1", "subject": "Statement", "body": "statement pls", "received": "2027-03-02"}\n'
        "this is not json\n"
        '{"id": "m2", "subject": "", "body": "what do we owe you?", "channel": "chat"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(classify, ["--jsonl", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line.get("id") for line in lines] == ["m1", None, "m2"]
    assert lines[1]["line"] == 2 and "error" in lines[1]
    assert lines[0]["intents"] == ["statement"]


def test_a_bad_date_is_one_line_and_a_non_zero_exit():
    result = CliRunner().invoke(classify, ["hello", "--received", "yesterday"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "ISO date" in result.output


def test_it_needs_text_or_jsonl():
    result = CliRunner().invoke(classify, [])
    assert result.exit_code != 0


def test_eval_prints_the_report_as_json(tmp_path):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        json.dumps(
            {
                "id": "t1",
                "subject": "",
                "body": "can you resend invoice 55190?",
                "intents": ["invoice_copy"],
                "invoice_numbers": ["55190"],
                "po_numbers": [],
                "period": None,
                "language": "en",
                "received": "2027-03-02",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(intents_group, ["eval", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["exact_set_accuracy"] == 1.0
    assert report["invoice_references"]["f1"] == 1.0


def test_calibrate_writes_thresholds_that_eval_then_uses(tmp_path):
    import shutil

    from intents.model import MODEL_DIR

    model_copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model_copy)
    (model_copy / "thresholds.json").unlink(missing_ok=True)
    labelled = tmp_path / "set.jsonl"
    rows = [
        {
            "id": "a",
            "subject": "",
            "body": "can you resend invoice 55190?",
            "intents": ["invoice_copy"],
            "received": "2027-03-02",
        },
        {
            "id": "b",
            "subject": "",
            "body": "what is our balance right now?",
            "intents": ["balance"],
            "received": "2027-03-02",
        },
    ]
    labelled.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = CliRunner().invoke(
        intents_group, ["calibrate", str(labelled), "--model", str(model_copy)]
    )
    assert result.exit_code == 0, result.output
    written = json.loads((model_copy / "thresholds.json").read_text(encoding="utf-8"))
    assert set(written) == {"choose", "clause"}
    assert set(written["choose"]) >= {"invoice_copy", "balance", "other"}
    scored = CliRunner().invoke(
        intents_group, ["eval", str(labelled), "--json", "--model", str(model_copy)]
    )
    assert json.loads(scored.output)["exact_set_accuracy"] == 1.0


def test_jsonl_reports_a_message_that_fails_on_its_line_and_carries_on(tmp_path, monkeypatch):
    import intents

    real = intents.understand_many

    def fails_on_one(messages, **options):
        messages = list(messages)
        if any("BOOM" in message.body for message in messages):
            raise RuntimeError("a defect in understanding")
        return real(messages, **options)

    monkeypatch.setattr(intents, "understand_many", fails_on_one)
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "m1", "body": "statement pls"}\n'
        '{"id": "m2", "body": "BOOM"}\n'
        '{"id": "m3", "body": "what do we owe you?"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(classify, ["--jsonl", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line.get("id") for line in lines] == ["m1", "m2", "m3"]
    assert lines[1] == {"line": 2, "id": "m2", "error": "not understood: RuntimeError"}
    assert "a defect" not in result.output  # the exception's text stays out of the output
    assert lines[2]["intents"] == ["balance"]
