"""The fault harness as a test: `make test-faults` (and so `make test`) runs it.

``ARDESK_TEST_FAULT_REQUESTS`` sets how many requests (1,000 here by default: about three
minutes on two cores); the recorded run of 5,000 is `python -m tests.faults.harness`.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.faults.harness import run
from tests.support.dovecot import find_dovecot
from tests.support.postgres import find_bindir
from tests.support.services import missing


def test_nothing_is_lost_or_sent_twice_while_everything_breaks(tmp_path: Path):
    if find_bindir() is None:
        missing("PostgreSQL server", "apt-get install postgresql")
    if find_dovecot() is None:
        missing("Dovecot", "apt-get install dovecot-imapd")
    count = int(os.environ.get("ARDESK_TEST_FAULT_REQUESTS", "1000"))
    report = run(count, rate=15.0, seed=7, workdir=tmp_path)
    summary = "\n".join(report.lines())
    print(summary)
    assert report.tally.fed == count
    assert report.tally.lost == 0, summary
    assert report.tally.duplicates == 0, summary
    assert report.unfinished == 0, summary
    assert report.job_ticks > 0 and report.job_ticks_missed == 0, summary
    assert report.job_ticks_twice == 0, summary
    assert len(report.faults) >= 6, summary  # every kind of fault happened
    assert report.stop_seconds < 30, summary
