"""`ardesk clock`: the periodic jobs of every package, on one APScheduler.

Only one clock may fire at a time, however many run (a standby takes over when the active one
dies): on PostgreSQL the active clock holds an advisory lock on a connection of its own; on SQLite
it holds an exclusive lock on a file beside the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from core.config import Settings
from core.db import Database

log = logging.getLogger(__name__)

# Any fixed 64-bit number; it names this lock among the database's advisory locks.
CLOCK_LOCK_KEY = 0x61726465736B  # "ardesk"


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: float
    run: Callable[[], object]


def link_cleanup_job(db: Database, settings: Settings) -> Job:
    from core import links

    keep = settings.link_retention

    def run() -> int:
        with db.admin_session() as session:
            purged = links.purge_expired(session, older_than=keep)
        log.info("purged %s expired links", purged)
        return purged

    return Job("links.cleanup", 3600, run)


def sync_jobs(db: Database, settings: Settings) -> list[Job]:
    sources = settings.sources_file
    if not sources:
        return []
    from connectors.schedule import jobs as connector_jobs

    return [
        Job(f"sync.{name}", interval, run) for name, interval, run in connector_jobs(sources, db)
    ]


def all_jobs(db: Database, settings: Settings) -> list[Job]:
    return [link_cleanup_job(db, settings), *sync_jobs(db, settings)]


@contextlib.contextmanager
def leadership(db: Database, settings: Settings, stopping: threading.Event) -> Iterator[bool]:
    """Wait until this clock may fire (or ``stopping`` is set); yields whether it leads."""
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            while not stopping.is_set():
                got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": CLOCK_LOCK_KEY})
                if got.scalar_one():
                    conn.commit()
                    try:
                        yield True
                    finally:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": CLOCK_LOCK_KEY})
                        conn.commit()
                    return
                conn.rollback()
                log.info("another clock is active; standing by")
                stopping.wait(15)
        yield False
        return
    path = Path(settings.var_dir) / "clock.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        while not stopping.is_set():
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("another clock is active; standing by")
                stopping.wait(15)
                continue
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
        yield False


def run_clock(db: Database, settings: Settings, stopping: threading.Event) -> None:
    with leadership(db, settings, stopping) as leading:
        if not leading:
            return
        scheduler = BackgroundScheduler(timezone="UTC")
        for job in all_jobs(db, settings):
            scheduler.add_job(
                job.run,
                "interval",
                seconds=job.interval_seconds,
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
            )
            log.info("scheduled %s every %ss", job.name, job.interval_seconds)
        scheduler.start()
        try:
            stopping.wait()
        finally:
            scheduler.shutdown(wait=True)
