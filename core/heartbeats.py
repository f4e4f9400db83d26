"""Heartbeats: each long-running process says in the database, every few seconds, that it is
alive, whether it is stopping, whether it leads (clocks) and how its intake fares.

A ``Beat`` owns the process's row. It writes from a thread of its own, so a process busy with
one long message still beats; and it writes what the process's code put in its ``IntakeHealth``
(the IMAP loop and the SMTP handler record there, in memory, and never wait for the database).
A database that is away costs a warning and a missed beat, never the process. Rows of processes
gone for ``PRUNE_AFTER`` are deleted by the next process that starts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from imaplib import IMAP4

from sqlalchemy import delete, update
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError
from core.db import Database
from core.models import Heartbeat, ProcessKind, ProcessState, utcnow

log = logging.getLogger(__name__)

PRUNE_AFTER = timedelta(days=1)


def failure_kind(error: BaseException) -> str:
    """What kind of failure stopped intake, in a word an operator can act on (never the
    error's text: a server's answer or a token endpoint's may quote what should stay private):
    oauth2, login, imap (a command refused), tls, configuration, timeout, connection."""
    declared = getattr(error, "failure_kind", None)  # an error that names its kind (oauth2)
    if isinstance(declared, str):
        return declared
    if isinstance(error, IMAP4.abort):
        return "connection"  # the server hung up
    if isinstance(error, IMAP4.error):
        from imapclient.exceptions import LoginError

        return "login" if isinstance(error, LoginError) else "imap"
    if isinstance(error, ssl.SSLError) or "certificate" in str(error):
        return "tls"
    if isinstance(error, ConfigError):
        return "configuration"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(error, OSError):
        return "connection"
    return type(error).__name__[:32]


@dataclass
class IntakeHealth:
    """What a process's intake last did, kept in memory and written with each beat."""

    imap_fetched_at: datetime | None = None
    imap_failed_at: datetime | None = None
    imap_failure: str | None = None
    smtp_errors: int = 0
    smtp_error_at: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def imap_fetched(self) -> None:
        with self._lock:
            self.imap_fetched_at = utcnow()

    def imap_failed(self, error: BaseException) -> None:
        with self._lock:
            self.imap_failed_at, self.imap_failure = utcnow(), failure_kind(error)

    def smtp_failed(self) -> None:
        with self._lock:
            self.smtp_errors += 1
            self.smtp_error_at = utcnow()

    def values(self) -> dict[str, object]:
        with self._lock:
            return {
                "imap_fetched_at": self.imap_fetched_at,
                "imap_failed_at": self.imap_failed_at,
                "imap_failure": self.imap_failure,
                "smtp_errors": self.smtp_errors,
                "smtp_error_at": self.smtp_error_at,
            }


@dataclass
class Beat:
    """The heartbeat of this process: ``start``, then ``stopping`` when asked to stop, then
    ``stop`` once its work is finished or given back (the row then says ``stopped``)."""

    db: Database
    kind: ProcessKind
    health: IntakeHealth = field(default_factory=IntakeHealth)
    leads: Callable[[], bool] | None = None  # clocks: whether this one fires the jobs now
    row_id: int | None = None
    _state: ProcessState = ProcessState.running
    _wake: threading.Event = field(default_factory=threading.Event)
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Beat:
        prune(self.db)
        now = utcnow()
        row = Heartbeat(
            kind=self.kind,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            beat_at=now,
            state=ProcessState.running,
            leads=self._leads(),
            smtp_errors=0,
        )
        try:
            with self.db.admin_session() as session:
                session.add(row)
                session.flush()
                self.row_id = row.id
        except SQLAlchemyError as error:  # the process can work without; the next beat retries
            log.warning("heartbeat: database unavailable (%s)", type(error).__name__)
        interval = self.db.settings.heartbeat_interval.total_seconds()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name="heartbeat", daemon=True
        )
        self._thread.start()
        return self

    def stopping(self) -> None:
        """Asked to stop: say so at once (safe from a signal handler: it only sets flags)."""
        self._state = ProcessState.stopping
        self._wake.set()

    def stop_on_signals(self, stop: Callable[[], None]) -> None:
        """On SIGTERM or SIGINT, say ``stopping`` and call ``stop`` (which, run in a signal
        handler, should only set flags or wake threads)."""

        def handler(*_) -> None:
            self.stopping()
            stop()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, handler)

    def stop(self) -> None:
        """The work is done or given back: the row says ``stopped``, and beating ends."""
        self.abandon()
        self._state = ProcessState.stopped
        self._write()

    def abandon(self) -> None:
        """Stop beating without a word: the process failed, and its row will show it dead."""
        self._done.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _leads(self) -> bool | None:
        if self.leads is None:
            return None
        try:
            return self.leads()
        except Exception:  # a clock between two states: not leading
            return False

    def _run(self, interval: float) -> None:
        while not self._done.is_set():
            self._write()
            self._wake.wait(interval)
            self._wake.clear()

    def _write(self) -> None:
        values = {
            "beat_at": utcnow(),
            "state": self._state,
            "leads": self._leads(),
            **self.health.values(),
        }
        try:
            with self.db.admin_session() as session:
                if self.row_id is None:  # the database was away at start
                    row = Heartbeat(
                        kind=self.kind, host=socket.gethostname()[:255], pid=os.getpid(),
                        started_at=utcnow(), **values,
                    )  # fmt: skip
                    session.add(row)
                    session.flush()
                    self.row_id = row.id
                else:
                    session.execute(
                        update(Heartbeat).where(Heartbeat.id == self.row_id).values(**values)
                    )
        except SQLAlchemyError as error:
            log.warning("heartbeat: database unavailable (%s)", type(error).__name__)


@contextlib.contextmanager
def beating(
    db: Database,
    kind: ProcessKind,
    *,
    health: IntakeHealth | None = None,
    leads: Callable[[], bool] | None = None,
) -> Iterator[Beat]:
    """A process's heartbeat for the block; the row says ``stopped`` when it ends normally (an
    exception leaves it as it was, so the process shows as dead once its beats stop)."""
    beat = Beat(db, kind, health or IntakeHealth(), leads).start()
    try:
        yield beat
    except BaseException:
        beat.abandon()
        raise
    beat.stop()


def prune(db: Database, now: datetime | None = None) -> int:
    """Delete rows whose process has not beaten for ``PRUNE_AFTER`` (stopped or dead)."""
    cutoff = (now or utcnow()) - PRUNE_AFTER
    try:
        with db.admin_session() as session:
            return session.execute(delete(Heartbeat).where(Heartbeat.beat_at < cutoff)).rowcount
    except SQLAlchemyError:
        return 0
