"""`ardesk clock`: the periodic jobs of every package, on one APScheduler.

Only one clock fires at a time, however many run (a standby takes over when the active one
dies): on PostgreSQL the active clock holds a transaction-level advisory lock in a transaction
it keeps open on a connection of its own, and checks every few seconds that the connection (and
so the lock) is still there; on SQLite it holds an exclusive lock on a file beside the database.
A transaction-level lock, not a session one, so that it holds through a pooler in transaction
mode (PgBouncer keeps a transaction on one server connection; a session lock would stay on a
server connection other clients share once the transaction ends).

Each job's time is cut into ticks of its interval, counted from the epoch, and a run is first
recorded in ``job_runs``, unique on (job, tick): so even two clocks that both believe they lead
(one cut off while the database restarted) never run the same tick twice, and a clock that takes
over runs the tick in progress at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core.config import Settings
from core.db import Database
from core.models import JobRun, utcnow

log = logging.getLogger(__name__)

# Any fixed 64-bit number; it names this lock among the database's advisory locks.
CLOCK_LOCK_KEY = 0x61726465736B  # "ardesk"
STANDBY_POLL = 2.0  # seconds between a standby's attempts to lead
LEADER_CHECK = 2.0  # seconds between the leader's checks that it still holds the lock
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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

    return Job("links.cleanup", settings.link_cleanup_interval.total_seconds(), run)


def retention_job(db: Database, settings: Settings) -> Job:
    from core import retention

    def run() -> dict:
        report = retention.run(db, days=settings.retention_days)
        log.info(
            "retention: redacted %s (kept %s open hand-offs)",
            report.as_dict()["redacted"],
            report.kept_open,
        )
        return report.as_dict()

    return Job("retention.run", 24 * 3600, run)


def deflection_job(db: Database, settings: Settings) -> Job:
    from core import deflection_rollup

    def run() -> int:
        with db.admin_session() as session:
            done = deflection_rollup.refresh(session, settings)
        log.info("deflection rollup: %s days computed", len(done.days))
        return len(done.days)

    # Twice per allowed age, so a reader never finds it too old while the clock runs.
    return Job("deflection.rollup", settings.ar_rollup_max_age.total_seconds() / 2, run)


def sync_jobs(db: Database, settings: Settings) -> list[Job]:
    sources = settings.sources_file
    if not sources:
        return []
    from connectors.schedule import jobs as connector_jobs

    return [
        Job(f"sync.{name}", interval, run) for name, interval, run in connector_jobs(sources, db)
    ]


def all_jobs(db: Database, settings: Settings) -> list[Job]:
    return [
        link_cleanup_job(db, settings),
        retention_job(db, settings),
        deflection_job(db, settings),
        *sync_jobs(db, settings),
    ]


def tick_of(job: Job, at: datetime) -> int:
    return int((at - EPOCH).total_seconds() // job.interval_seconds)


def run_once_per_tick(db: Database, job: Job, leader: str, now: datetime | None = None) -> bool:
    """Run ``job`` for the tick ``now`` falls in unless some clock already did; True if run.

    While the database is unreachable it keeps trying until the tick is over, so an outage
    shorter than a tick costs no run."""
    now = now or utcnow()
    tick = tick_of(job, now)
    while True:
        try:
            with db.admin_session() as session:
                run = JobRun(job=job.name, tick=tick, started_at=utcnow(), leader=leader)
                session.add(run)
                session.flush()
                run_id = run.id
            break
        except IntegrityError:
            log.info("%s already ran this tick", job.name)
            return False
        except SQLAlchemyError as error:
            if tick_of(job, utcnow() + timedelta(seconds=1)) != tick:
                log.warning("%s missed a tick: database unavailable", job.name)
                return False
            log.warning("%s waits for the database (%s)", job.name, type(error).__name__)
            time.sleep(1)
    outcome = "ok"
    try:
        job.run()
    except Exception as error:
        log.exception("%s failed", job.name)
        outcome = f"error: {type(error).__name__}"
    try:
        with db.admin_session() as session:
            session.execute(
                update(JobRun)
                .where(JobRun.id == run_id)
                .values(finished_at=utcnow(), outcome=outcome)
            )
    except SQLAlchemyError:
        log.warning("%s ran, but its end could not be recorded", job.name)
    return True


@contextlib.contextmanager
def leadership(
    db: Database, settings: Settings, stopping: threading.Event
) -> Iterator[Callable[[], bool] | None]:
    """Wait until this clock may fire; yields a check that it still leads (None if stopping)."""
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            while not stopping.is_set():
                got = conn.execute(
                    text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": CLOCK_LOCK_KEY}
                )
                if got.scalar_one():
                    # The transaction stays open while this clock leads: ending it (or losing
                    # the connection, however the process dies) ends the lock.

                    def holding() -> bool:
                        try:
                            conn.execute(text("SELECT 1")).scalar_one()
                            return True
                        except SQLAlchemyError:
                            return False

                    try:
                        yield holding
                    finally:
                        with contextlib.suppress(SQLAlchemyError):
                            conn.rollback()
                    return
                conn.rollback()
                log.info("another clock is active; standing by")
                stopping.wait(STANDBY_POLL)
        yield None
        return
    path = Path(settings.var_dir) / "clock.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        while not stopping.is_set():
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("another clock is active; standing by")
                stopping.wait(STANDBY_POLL)
                continue
            try:
                yield lambda: True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
        yield None


def _lead(
    db: Database,
    settings: Settings,
    stopping: threading.Event,
    holding: Callable[[], bool],
    leader: str,
) -> None:
    scheduler = BackgroundScheduler(timezone="UTC")
    for job in all_jobs(db, settings):
        scheduler.add_job(
            run_once_per_tick,
            "interval",
            args=(db, job, leader),
            seconds=job.interval_seconds,
            start_date=EPOCH,  # fire at the start of each tick, on the grid every clock shares
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(job.interval_seconds)),
        )
        # And the tick in progress at once: the clock this one took over from may have died
        # before running it (if it did run it, the insert says so and nothing happens).
        scheduler.add_job(run_once_per_tick, "date", args=(db, job, leader), id=f"{job.name}.now")
        log.info("scheduled %s every %ss", job.name, job.interval_seconds)
    scheduler.start()
    try:
        while not stopping.wait(LEADER_CHECK):
            if not holding():
                log.warning("lost the clock lock (database connection gone); standing by")
                return
    finally:
        scheduler.shutdown(wait=True)  # a job in hand finishes and records its end


def run_clock(
    db: Database,
    settings: Settings,
    stopping: threading.Event,
    leading: threading.Event | None = None,
) -> None:
    """Until ``stopping``: lead when this clock may, stand by otherwise; ``leading`` is set
    while it leads (its heartbeat says so)."""
    leader = f"{socket.gethostname()}:{os.getpid()}"[:100]
    leading = leading or threading.Event()
    while not stopping.is_set():
        try:
            with leadership(db, settings, stopping) as holding:
                if holding is None:
                    return
                leading.set()
                try:
                    _lead(db, settings, stopping, holding, leader)
                finally:
                    leading.clear()
        except SQLAlchemyError as error:
            log.warning("clock: database unavailable (%s); retrying", type(error).__name__)
            stopping.wait(STANDBY_POLL)
