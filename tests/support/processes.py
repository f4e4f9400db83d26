"""Long-running `ardesk` processes in tests: start one for real, wait for what it should do, stop
it with SIGTERM as a supervisor would, and read what its heartbeat says."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from core.models import Heartbeat, ProcessKind, ProcessState


def ardesk(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen:
    """``ardesk ARGS`` as its own process, with ``env`` over this one's environment."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child holds it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "ardesk", *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        )
    finally:
        if log:
            out.close()


def wait_for(predicate: Callable[[], object], timeout: float = 60.0, what: str = "it") -> None:
    """Until ``predicate()`` holds (start-up on a busy machine takes a while)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def sigterm(process: subprocess.Popen, within: float) -> int:
    """SIGTERM, then the exit status, which must come within ``within`` seconds (else the
    process is killed and the test fails)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise AssertionError(f"still running {within:g} s after SIGTERM") from None


def heartbeat_states(db, kind: ProcessKind) -> list[ProcessState]:
    with db.admin_session() as session:
        return list(
            session.scalars(
                select(Heartbeat.state).where(Heartbeat.kind == kind).order_by(Heartbeat.id)
            )
        )
