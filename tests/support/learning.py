"""A model trained on AR's corrections, once per test run (training takes seconds per epoch).

The corrections say that a "recon" is a statement of account — a word the shipped model reads
as an invoice copy, or is unsure of. The model is trained by the real command, on the full
corpus plus these corrections, with fewer epochs than the shipped model's twelve.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner

from ardesk.commands.intents import intents_group

EPOCHS = "2"


def correction(number: int, body: str, at: str, understood: list[str] | None, **extra) -> dict:
    return {
        "id": f"correction-{number}",
        "request": 100 + number,
        "subject": "",
        "body": body,
        "received": at[:10],
        "channel": "email",
        "language": "en",
        "intents": ["statement"],
        "invoice_numbers": [],
        "po_numbers": [],
        "period": None,
        "corrected_at": at,
        "understood": understood,
        **extra,
    }


#: What AR corrected: three requests for a "recon", in October and November 2026.
RECON = [
    correction(
        1, "Can you do a recon for us please?", "2026-10-02T09:00:00+00:00", ["invoice_copy"]
    ),
    correction(
        2,
        "Hi, could you send us a recon of our account? Thanks",
        "2026-10-09T09:00:00+00:00",
        ["invoice_copy", "statement"],
    ),
    correction(3, "We need a recon for September please", "2026-11-03T09:00:00+00:00", None),
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def train(corrections: Path, output: Path, epochs: str = EPOCHS) -> str:
    result = CliRunner().invoke(
        intents_group,
        ["train", "--epochs", epochs, "--corrections", str(corrections), "--output", str(output)],
    )
    assert result.exit_code == 0, result.output
    return result.output


@functools.cache
def recon_model() -> Path:
    """A model folder trained on the corpus and the RECON corrections (built once)."""
    folder = Path(tempfile.mkdtemp(prefix="ardesk-recon-model-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    train(write_jsonl(folder / "corrections.jsonl", RECON), folder / "model")
    return folder / "model"
