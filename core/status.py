"""What `ardesk status` reports: the processes (from their heartbeats), the outbox, the hand-off
queue, the last sync of each source and mail intake, each problem as one line.

Everything here is read on the privileged role and holds no customer data: counts, times, host
names and process ids. ``intake`` alone is also what ``/readyz`` reports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.db import Database
from core.models import (
    Handoff,
    Heartbeat,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    OutboundStatus,
    ProcessKind,
    ProcessState,
    SyncRun,
    utcnow,
)
from core.models.sync_run import SyncStatus


class Liveness(enum.StrEnum):
    alive = "alive"  # beat within ARDESK_HEARTBEAT_STALE (running or stopping)
    stale = "stale"  # stopped beating without saying it stopped: killed, hung or cut off
    stopped = "stopped"  # stopped cleanly


@dataclass(frozen=True)
class ProcessStatus:
    kind: ProcessKind
    host: str
    pid: int
    started_at: datetime
    beat_at: datetime
    state: ProcessState
    liveness: Liveness
    leads: bool | None  # clocks: whether it fires the jobs


@dataclass(frozen=True)
class Backlog:
    depth: int
    oldest_at: datetime | None  # when the oldest entered (outbox: queued; queue: received)


@dataclass(frozen=True)
class OutboxStatus:
    pending: Backlog  # waiting to be sent, including those waiting for a retry
    due: Backlog  # of those, the ones whose time has come (oldest_at: since when)
    sending: int  # handed to a transport right now


@dataclass(frozen=True)
class SourceSync:
    source: str
    status: SyncStatus
    started_at: datetime
    finished_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class IntakeStatus:
    imap_configured: bool
    imap_fetched_at: datetime | None  # the last successful fetch, any worker
    imap_failed_at: datetime | None  # the last failure (connection, login, OAuth2 token…)
    imap_failure: str | None  # its kind: oauth2, login, tls, connection, timeout…
    smtp_errors: int  # messages smtpd could not store (answered 451), recent processes
    smtp_error_at: datetime | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Status:
    checked_at: datetime
    processes: tuple[ProcessStatus, ...]
    outbox: OutboxStatus
    handoffs: Backlog
    syncs: tuple[SourceSync, ...]
    intake: IntakeStatus
    problems: tuple[str, ...]  # one line each; none means healthy

    @property
    def healthy(self) -> bool:
        return not self.problems


def gather(db: Database, settings: Settings, now: datetime | None = None) -> Status:
    now = now or utcnow()
    with db.admin_session() as session:
        beats = list(session.scalars(select(Heartbeat).order_by(Heartbeat.kind, Heartbeat.id)))
        processes = tuple(_process(beat, settings, now) for beat in beats)
        outbox = _outbox(session, now)
        handoffs = _handoffs(session)
        syncs = _syncs(session)
    intake = intake_status(beats, processes, settings, now)
    problems = [
        *_process_problems(processes),
        *_outbox_problems(outbox, settings, now),
        *intake.problems,
        *(f"sync {s.source}: its last run failed ({_at(s.started_at)})" for s in syncs
          if s.status is SyncStatus.failed),
    ]  # fmt: skip
    return Status(now, processes, outbox, handoffs, syncs, intake, tuple(problems))


def read_intake(db: Database, settings: Settings, now: datetime | None = None) -> IntakeStatus:
    """Intake health alone (for ``/readyz``)."""
    now = now or utcnow()
    with db.admin_session() as session:
        beats = list(session.scalars(select(Heartbeat)))
    processes = [_process(beat, settings, now) for beat in beats]
    return intake_status(beats, processes, settings, now)


def _process(beat: Heartbeat, settings: Settings, now: datetime) -> ProcessStatus:
    if beat.state is ProcessState.stopped:
        liveness = Liveness.stopped
    elif now - beat.beat_at > settings.heartbeat_stale:
        liveness = Liveness.stale
    else:
        liveness = Liveness.alive
    return ProcessStatus(
        beat.kind, beat.host, beat.pid, beat.started_at, beat.beat_at, beat.state, liveness,
        beat.leads,
    )  # fmt: skip


def _process_problems(processes: tuple[ProcessStatus, ...]) -> list[str]:
    problems = []
    for kind in ProcessKind:
        of_kind = [p for p in processes if p.kind is kind]
        alive = [p for p in of_kind if p.liveness is Liveness.alive]
        dead = [p for p in of_kind if p.liveness is Liveness.stale]
        if alive:
            if kind is ProcessKind.clock and not any(p.leads for p in alive):
                problems.append("clock: none of the running clocks leads; no job runs")
        elif kind is ProcessKind.worker:
            problems.append("worker: none running; nothing is answered or delivered")
        elif dead:  # it ran, it died, and nothing replaced it (stopped on purpose is fine)
            last = max(dead, key=lambda p: p.beat_at)
            problems.append(
                f"{kind}: none running; {last.host}:{last.pid} stopped beating {_at(last.beat_at)}"
            )
    return problems


def _outbox(session: Session, now: datetime) -> OutboxStatus:
    def backlog(column, *where) -> Backlog:
        depth, oldest = session.execute(select(func.count(), func.min(column)).where(*where)).one()
        return Backlog(depth, oldest)

    pending = OutboundMessage.status == OutboundStatus.pending
    sending = session.scalar(
        select(func.count()).where(OutboundMessage.status == OutboundStatus.sending)
    )
    return OutboxStatus(
        pending=backlog(OutboundMessage.created_at, pending),
        due=backlog(OutboundMessage.next_attempt_at, pending,
                    OutboundMessage.next_attempt_at <= now),
        sending=sending or 0,
    )  # fmt: skip


def _outbox_problems(outbox: OutboxStatus, settings: Settings, now: datetime) -> list[str]:
    oldest = outbox.due.oldest_at
    if oldest is None or now - oldest <= settings.outbox_stuck:
        return []
    return [
        f"outbox: {outbox.due.depth} repl{'y' if outbox.due.depth == 1 else 'ies'} due, the "
        f"oldest since {_at(oldest)}; is a worker delivering?"
    ]


def _handoffs(session: Session) -> Backlog:
    """Open hand-offs, as the console's queue counts them: unresolved rows, and failed
    messages no one has touched yet."""
    with_row = (
        select(func.count(), func.min(InboundMessage.received_at))
        .join(Handoff, Handoff.inbound_message_id == InboundMessage.id)
        .where(Handoff.resolution.is_(None))
    )
    untouched = select(func.count(), func.min(InboundMessage.received_at)).where(
        InboundMessage.status == InboundStatus.failed,
        ~select(Handoff.inbound_message_id)
        .where(Handoff.inbound_message_id == InboundMessage.id)
        .exists(),
    )
    counts = [session.execute(query).one() for query in (with_row, untouched)]
    oldest = [at for _, at in counts if at is not None]
    return Backlog(sum(n for n, _ in counts), min(oldest) if oldest else None)


def _syncs(session: Session) -> tuple[SourceSync, ...]:
    latest = (
        select(SyncRun.source, func.max(SyncRun.id).label("id")).group_by(SyncRun.source).subquery()
    )
    runs = session.scalars(
        select(SyncRun).join(latest, latest.c.id == SyncRun.id).order_by(SyncRun.source)
    )
    return tuple(
        SourceSync(run.source, run.status, run.started_at, run.finished_at, run.error)
        for run in runs
    )


def intake_status(
    beats: list[Heartbeat],
    processes: list[ProcessStatus] | tuple[ProcessStatus, ...],
    settings: Settings,
    now: datetime,
) -> IntakeStatus:
    window = settings.intake_stale
    fetched = max((b.imap_fetched_at for b in beats if b.imap_fetched_at), default=None)
    failed = max((b for b in beats if b.imap_failed_at), key=_failed_at, default=None)
    smtp = [b for b in beats if b.kind is ProcessKind.smtpd and b.smtp_error_at]
    smtp_at = max((b.smtp_error_at for b in smtp if b.smtp_error_at), default=None)
    problems = []
    imap = bool(settings.imap_url)
    if imap:
        workers = [
            p.started_at for p in processes
            if p.kind is ProcessKind.worker and p.liveness is Liveness.alive
        ]  # fmt: skip
        # A worker that started within the window has not had its chance yet.
        since = fetched or (min(workers) if workers else None)
        if since is None or now - since > window:
            problems.append(
                "IMAP intake: no successful fetch "
                + (f"since {_at(fetched)}" if fetched else "yet")
                + (f"; last failure {_at(failed.imap_failed_at)}: {failed.imap_failure}"
                   if failed else "")
            )  # fmt: skip
        elif (
            failed
            and now - _failed_at(failed) <= window
            and (fetched is None or _failed_at(failed) > fetched)
        ):  # failing now, after its last success
            problems.append(
                f"IMAP intake: failing since {_at(failed.imap_failed_at)}: {failed.imap_failure}"
            )
    recent = [b for b in smtp if b.smtp_error_at and now - b.smtp_error_at <= window]
    if recent:
        problems.append(
            f"SMTP intake: {sum(b.smtp_errors for b in recent)} message(s) could not be stored "
            f"(answered 451, so the sender retries), the last {_at(smtp_at)}"
        )
    return IntakeStatus(
        imap_configured=imap,
        imap_fetched_at=fetched,
        imap_failed_at=failed.imap_failed_at if failed else None,
        imap_failure=failed.imap_failure if failed else None,
        smtp_errors=sum(b.smtp_errors for b in smtp),
        smtp_error_at=smtp_at,
        problems=tuple(problems),
    )


def _failed_at(beat: Heartbeat) -> datetime:
    assert beat.imap_failed_at is not None
    return beat.imap_failed_at


def _at(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"
