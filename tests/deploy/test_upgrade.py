"""An upgrade from the last release while it runs: nothing is lost.

The baseline is the release tagged ``release-0.1``, taken from git history into a folder of its
own. Its `ardesk init` creates the schema and its `ardesk demo-data` the data; its worker and
SMTP intake answer mail. While they do, this version's `ardesk init` migrates the schema to head
(migrations only add until no running version needs what they would remove: the old code keeps
working on the new schema). Then the old processes are stopped and this version's started, as a
rolling upgrade does, and mail keeps coming. Every request is answered (or handed to AR) once.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from core.migrate import current_revision, head_revision
from tests.faults.account import tally
from tests.faults.feed import Feeder
from tests.support.ap_requests import ap_requests
from tests.support.deployment import AR, Deployment, deployment, running, wait_settled

ROOT = Path(__file__).parents[2]
BASELINE = "release-0.1"
# What the tag names, for a clone that fetched no tags.
BASELINE_COMMIT = "57f4de5bc513c2ce871e986da3ad979b7616f808"
REQUESTS = 40


def _baseline_ref() -> str | None:
    """The baseline as git knows it here: the tag, else the release's commit (a clone that did
    not fetch tags), else None (no git history, or a shallow clone without that commit)."""
    if not (ROOT / ".git").exists():
        return None
    for ref in (f"refs/tags/{BASELINE}^{{commit}}", f"{BASELINE_COMMIT}^{{commit}}"):
        found = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "-q", "--verify", ref],
            capture_output=True,
            check=False,
        )
        if found.returncode == 0:
            return ref.removesuffix("^{commit}")
    return None


def baseline_tree(into: Path) -> Path:
    """The baseline release's files (``git archive``), or skip saying why there are none."""
    ref = _baseline_ref()
    if ref is None:
        pytest.skip(
            f"the baseline {BASELINE} ({BASELINE_COMMIT[:7]}) is not in this checkout's git "
            "history (no .git, or a shallow clone): the upgrade test takes it from there"
        )
    archive = into / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--output", str(archive), ref], check=True)
    tree = into / "baseline"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def ardesk(stack: Deployment, code: Path, *args: str) -> str:
    """Run an `ardesk` command of the code in ``code`` (the baseline's, or this version's)."""
    done = subprocess.run(
        [sys.executable, "-m", "ardesk", *args],
        cwd=code,
        env=stack.environ(PYTHONPATH=str(code)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_an_upgrade_while_the_previous_release_runs_loses_nothing(tmp_path: Path):
    old = baseline_tree(tmp_path)
    with deployment(tmp_path) as stack:
        ardesk(stack, old, "init")
        ardesk(stack, old, "demo-data", "--accounts", "6", "--invoices-per-account", "8")
        batch = ap_requests(stack.db, REQUESTS, random.Random(9), "upgrade")
        fed: dict[str, float] = {}

        with running(stack, workers=1, cwd=old):
            during = Feeder(stack.dovecot, stack.intake_port, batch[: REQUESTS // 2], rate=4.0)
            feeding = threading.Thread(target=during.run)
            feeding.start()
            time.sleep(2)  # some requests in before the migration, some while and after it
            migrated = ardesk(stack, ROOT, "init")
            feeding.join()
            assert wait_settled(stack.db, timeout=300, stored=REQUESTS // 2), (
                "the baseline worker stopped answering"
            )
            fed.update(during.fed)
        assert current_revision(stack.db.engine) == head_revision(), migrated

        with running(stack, workers=1):  # this version's processes take over
            after = Feeder(stack.dovecot, stack.intake_port, batch[REQUESTS // 2 :], rate=4.0)
            after.run()
            settled = wait_settled(stack.db, timeout=300, stored=REQUESTS)
            assert settled, "this version did not answer"
            fed.update(after.fed)

        result = tally(stack.db, fed, stack.smtp.messages, AR)
        assert result.fed == REQUESTS
        assert result.lost == 0 and result.duplicates == 0 and result.in_doubt == 0, result
        assert result.answered + result.handed_off == REQUESTS
