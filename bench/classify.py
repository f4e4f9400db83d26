"""Throughput and load time of request understanding.

    .venv/bin/python bench/classify.py                      # generated messages
    .venv/bin/python bench/classify.py --jsonl FILE --repeat 20

Prints model load time, batch throughput (understand_many) and one-at-a-time throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from intents import Message, model, understand, understand_many
from intents.data.generate import generate

# Realistic bodies carry a signature and quoted history that the extraction must skip.
_TAIL = (
    "\n\nKind regards,\nPat Doe\nAccounts Payable | Example Foods Ltd\nT: +44 1632 960118\n\n"
    "From: Accounts Receivable <ar@example.com>\nSent: Monday, 3 May 2027 09:14\nTo: Pat Doe\n"
    "Subject: Payment reminder\n\nDear Pat,\nInvoices 2027-0042 and 2027-0057 are overdue.\n"
)


def generated_messages(count: int) -> list[Message]:
    rows = generate(seed=11)
    messages = []
    for _, row in zip(range(count), rows, strict=False):
        subject, _, body = str(row["text"]).partition("\n")
        messages.append(Message(subject, body + _TAIL, date(2027, 5, 4)))
    return messages


def file_messages(path: Path) -> list[Message]:
    messages = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            received = date.fromisoformat(row["received"]) if row.get("received") else date.today()
            messages.append(Message(row.get("subject") or "", row.get("body") or "", received))
    return messages


def cold_load_seconds() -> tuple[float, float]:
    """(import + load, load alone) in a fresh interpreter, as a worker starting up sees it."""
    code = (
        "import time; t0 = time.perf_counter(); from intents import model; "
        "t1 = time.perf_counter(); model.load(); t2 = time.perf_counter(); "
        "print(t2 - t0, t2 - t1)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(output[0]), float(output[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jsonl", type=Path, help="messages to use (corpus format)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the file's messages N times")
    parser.add_argument("--count", type=int, default=5000, help="generated messages (no --jsonl)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    nlp = model.load()
    load_seconds = time.perf_counter() - started

    messages = (
        file_messages(args.jsonl) * args.repeat if args.jsonl else generated_messages(args.count)
    )
    understand_many(messages[:50], nlp=nlp)  # warm up caches and compiled patterns

    batch_rates = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        understand_many(messages, nlp=nlp)
        batch_rates.append(len(messages) / (time.perf_counter() - started))

    single = messages[:1000]
    started = time.perf_counter()
    for message in single:
        understand(message.subject, message.body, message.received, nlp=nlp)
    single_rate = len(single) / (time.perf_counter() - started)

    print(f"date             {date.today().isoformat()}")
    print(
        f"machine          {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"messages         {len(messages)}")
    cold_total, cold_load = cold_load_seconds()
    print(
        f"model load       {cold_load:.2f} s in a fresh process ({cold_total:.2f} s with imports); "
        f"{load_seconds:.2f} s warm"
    )
    print(
        f"batch            {statistics.median(batch_rates):,.0f} messages/s (median of "
        f"{args.rounds}, one process)"
    )
    print(f"one at a time    {single_rate:,.0f} messages/s")


if __name__ == "__main__":
    main()
