"""One sync of a source at a time: a second run fails fast instead of writing beside the first.

PostgreSQL: a transaction-level advisory lock keyed by the source name, in a transaction kept open
on a connection of its own for the whole run (retries and the stored report included); the server
drops it if the process dies. Transaction-level so that it holds through a pooler in transaction
mode, which keeps one transaction on one server connection but not a session.
SQLite: an exclusive ``flock`` on a file under the var dir; the kernel drops it with the process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from connectors.errors import SourceError
from core.db import Database

# The first key of the two-key advisory lock: the namespace of sync locks.
_NAMESPACE = "ardesk.sync"


class SyncAlreadyRunning(SourceError):
    """Another sync of the same source holds its lock."""

    def __init__(self, source: str) -> None:
        super().__init__(f"sync of {source} is already running", retryable=False)
        self.source = source


@contextlib.contextmanager
def source_lock(db: Database, source: str) -> Iterator[None]:
    """Hold the source's sync lock, or raise SyncAlreadyRunning at once."""
    if db.dialect == "postgresql":
        with _advisory_lock(db, source):
            yield
    else:
        with _file_lock(lock_path(db, source), source):
            yield


def lock_path(db: Database, source: str) -> Path:
    # Source names come from the sources file; keep the file name to safe characters.
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", source)
    return Path(db.settings.var_dir) / "locks" / f"sync-{safe}.lock"


@contextlib.contextmanager
def _advisory_lock(db: Database, source: str) -> Iterator[None]:
    keys = {"namespace": _NAMESPACE, "source": source}
    with db.engine.connect() as conn:
        taken = conn.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:namespace), hashtext(:source))"), keys
        ).scalar()
        if not taken:
            raise SyncAlreadyRunning(source)
        try:
            yield
        finally:
            conn.rollback()  # ends the transaction, and so the lock


@contextlib.contextmanager
def _file_lock(path: Path, source: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncAlreadyRunning(source) from None
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
