"""What deciding in a child process adds per message: the same call made in the worker's own
process and through `bot.decider.DecisionProcess` (one pipe round trip), on a message id that
does not exist, so that the work itself is one small query and the difference is the hop.

    .venv/bin/python bench/decision_hop.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.decider import DecisionProcess  # noqa: E402
from bot.process import process  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402

CALLS = 2000
MISSING = 10**9


def per_call(call) -> float:
    for _ in range(200):  # warm
        call()
    started = time.perf_counter()
    for _ in range(CALLS):
        call()
    return (time.perf_counter() - started) / CALLS


def main() -> None:
    environ = {"ARDESK_ENV": "test", "ARDESK_SECRET_KEY": "h" * 40}
    settings = load_settings({**environ, "ARDESK_VAR_DIR": tempfile.mkdtemp()}, read_dotenv=False)
    db = Database.connect(settings)
    upgrade(db.engine)
    in_process = per_call(lambda: process(db, settings, MISSING))
    child = DecisionProcess(settings)
    child.start()
    try:
        through_child = per_call(lambda: child.decide(MISSING))
    finally:
        child.close()
    print(
        f"in process {in_process * 1e3:.3f} ms, through the child {through_child * 1e3:.3f} ms: "
        f"the hop costs {(through_child - in_process) * 1e3:.3f} ms a message"
    )


if __name__ == "__main__":
    main()
