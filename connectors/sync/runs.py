"""Stored sync runs: where the next incremental run starts, and what the last ones did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from core import metrics
from core.models import SyncRun, utcnow
from core.models.sync_run import SyncStatus


def last_watermarks(conn: Connection, source: str) -> dict[str, datetime]:
    """The watermarks of the source's last successful run (none before the first)."""
    query = (
        select(SyncRun.__table__.c.watermarks)
        .where(SyncRun.source == source, SyncRun.status == SyncStatus.succeeded)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .limit(1)
    )
    stored = conn.scalar(query) or {}
    return {kind: datetime.fromisoformat(value) for kind, value in stored.items()}


def record_run(
    conn: Connection,
    source: str,
    *,
    started_at: datetime,
    status: SyncStatus,
    full: bool,
    attempts: int,
    watermarks: dict[str, datetime],
    report: dict,
    error: str | None = None,
) -> None:
    conn.execute(
        SyncRun.__table__.insert(),
        {
            "source": source,
            "started_at": started_at,
            "finished_at": utcnow(),
            "status": status,
            "full": full,
            "attempts": attempts,
            "watermarks": {kind: moment.isoformat() for kind, moment in watermarks.items()},
            "report": report,
            "error": error,
        },
    )
    metrics.count_sync_run(source, status is SyncStatus.succeeded, report)


def recent_runs(conn: Connection, source: str, limit: int = 20) -> list[SyncRun]:
    table = SyncRun.__table__
    query = (
        select(table)
        .where(table.c.source == source)
        .order_by(table.c.started_at.desc(), table.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))
