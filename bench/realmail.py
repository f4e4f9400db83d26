"""New-text extraction against other projects' reply-parser fixtures (an outside benchmark).

    .venv/bin/python bench/realmail.py [--cases ../shared/realmail/cases.jsonl] [--details OUT]

Reads the cases where they are kept (they are not copied into this project): text cases go through
`intents.newtext.new_text` as `ardesk classify` does, MIME cases through the bot's parser first
(`bot.channels.email.parse`), as `ardesk handle-eml` does. Scoring is the benchmark's own
`score_newtext.py`; the figures printed are for all cases and for the seven languages we serve.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.channels.email.parse import parse_email
from intents.newtext import new_text

DEFAULT_CASES = Path(__file__).resolve().parents[2] / "shared" / "realmail" / "cases.jsonl"
SEVEN = "en,de,fr,es,nl,it,pt"


def predict(case: dict) -> dict:
    try:
        if "eml" in case:
            body = parse_email(case["eml"].encode("utf-8", "surrogateescape")).text
        else:
            body = case["body"]
        return {"id": case["id"], "new_text": new_text(body)}
    except Exception as error:  # a crash is a scored outcome, not the end of the run
        return {"id": case["id"], "new_text": "", "error": type(error).__name__}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--details", type=Path, help="Write per-case outcomes here (JSONL).")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.cases.open(encoding="utf-8") if line.strip()]
    started = time.perf_counter()
    predictions = [predict(case) for case in cases]
    elapsed = time.perf_counter() - started
    scorer = args.cases.with_name("score_newtext.py")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as out:
        out.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions)
        out.flush()
        details = ["--details", str(args.details)] if args.details else []
        every = [sys.executable, str(scorer), str(args.cases), out.name]
        summary = subprocess.run([*every, *details], capture_output=True, text=True, check=True)
        seven = subprocess.run(
            [*every, "--languages", SEVEN, "--by", "language"],
            capture_output=True,
            text=True,
            check=True,
        )
    errors = sum("error" in p for p in predictions)
    print(f"{len(cases)} cases in {elapsed:.2f} s ({errors} errors)")
    print("all languages:  " + summary.stdout.strip().splitlines()[-1])
    print("seven languages:\n" + seven.stdout.strip())


if __name__ == "__main__":
    main()
