"""Gauges read from the database when Prometheus scrapes: outbox, hand-off queue, sync lag.

Read at scrape time rather than kept in memory, so that every process reports the database's
truth, however many processes there are and whichever of them did the work. Each read is a few
index lookups, run in one transaction under a statement timeout: a slow database costs a scrape
at most that long and shows as ``ardesk_database_scrape_ok 0``, never as stale figures.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select, text

from core.db import Database
from core.handoff_state import UNRECORDED_STATES
from core.models import Handoff, InboundMessage, OutboundMessage, OutboundStatus, SyncRun, utcnow
from core.models.sync_run import SyncStatus

log = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 2000
MAX_SOURCES = 100  # sync labels: the sources file's names, never more than this

# Outbox rows not yet settled: waiting for a (next) attempt or in a transport's hands.
OUTBOX = select(func.count(), func.min(OutboundMessage.created_at)).where(
    OutboundMessage.status.in_((OutboundStatus.pending, OutboundStatus.sending))
)
# Open hand-offs (a partial index holds only those), and failed messages never given a row.
HANDOFFS = (
    select(func.count(), func.min(InboundMessage.received_at))
    .select_from(Handoff)
    .join(InboundMessage, InboundMessage.id == Handoff.inbound_message_id)
    .where(Handoff.resolution.is_(None))
)
UNRECORDED = select(func.count(), func.min(InboundMessage.received_at)).where(
    InboundMessage.status.in_(UNRECORDED_STATES),
    ~select(Handoff.inbound_message_id)
    .where(Handoff.inbound_message_id == InboundMessage.id)
    .exists(),
)
# The distinct sources by skipping through the (source, started_at) index, not a table scan.
SOURCES = text(
    "WITH RECURSIVE s(source) AS ("
    " SELECT MIN(source) FROM sync_runs"
    " UNION ALL"
    " SELECT (SELECT MIN(source) FROM sync_runs WHERE source > s.source) FROM s"
    " WHERE s.source IS NOT NULL"
    ") SELECT source FROM s WHERE source IS NOT NULL LIMIT :limit"
).bindparams(limit=MAX_SOURCES)


def _last_run(source: str):
    return (
        select(SyncRun.status, SyncRun.started_at)
        .where(SyncRun.source == source)
        .order_by(SyncRun.started_at.desc())
        .limit(1)
    )


def _last_success(source: str):
    return (
        select(SyncRun.started_at)
        .where(SyncRun.source == source, SyncRun.status == SyncStatus.succeeded)
        .order_by(SyncRun.started_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class SourceFigures:
    source: str
    last_run_failed: bool
    last_success: datetime | None


@dataclass(frozen=True)
class Figures:
    outbox_depth: int
    outbox_oldest: datetime | None
    handoff_depth: int
    handoff_oldest: datetime | None
    sources: tuple[SourceFigures, ...] = field(default=())


def read_figures(db: Database) -> Figures:
    with db.engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        outbox = conn.execute(OUTBOX).one()
        open_rows, unrecorded = conn.execute(HANDOFFS).one(), conn.execute(UNRECORDED).one()
        oldest = [moment for moment in (open_rows[1], unrecorded[1]) if moment is not None]
        sources = []
        for (source,) in conn.execute(SOURCES).all():
            last = conn.execute(_last_run(source)).first()
            success = conn.scalar(_last_success(source))
            failed = last is not None and last[0] is SyncStatus.failed
            sources.append(SourceFigures(source, failed, success))
        return Figures(
            outbox_depth=int(outbox[0]),
            outbox_oldest=outbox[1],
            handoff_depth=int(open_rows[0]) + int(unrecorded[0]),
            handoff_oldest=min(oldest) if oldest else None,
            sources=tuple(sources),
        )


def _age(now: datetime, moment: datetime | None) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


class DatabaseCollector:
    """A prometheus_client collector over ``read_figures``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily(
            "ardesk_database_scrape_ok",
            "1 if the database figures below were read in this scrape, 0 if not.",
        )
        try:
            figures = read_figures(self.db)
        except Exception as error:  # a scrape reports the failure; it never raises
            log.warning("metrics: reading the database figures failed: %s", type(error).__name__)
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        now = utcnow()
        yield GaugeMetricFamily(
            "ardesk_outbox_depth",
            "Outbox rows not yet delivered (pending or sending).",
            value=figures.outbox_depth,
        )
        yield GaugeMetricFamily(
            "ardesk_outbox_oldest_age_seconds",
            "Age of the oldest undelivered outbox row (0 when none).",
            value=_age(now, figures.outbox_oldest),
        )
        yield GaugeMetricFamily(
            "ardesk_handoff_queue_depth",
            "Open hand-offs waiting for a person.",
            value=figures.handoff_depth,
        )
        yield GaugeMetricFamily(
            "ardesk_handoff_queue_oldest_age_seconds",
            "Age of the oldest open hand-off, from the request's arrival (0 when none).",
            value=_age(now, figures.handoff_oldest),
        )
        lag = GaugeMetricFamily(
            "ardesk_sync_lag_seconds",
            "Time since the start of the source's last successful sync (how old its data may be).",
            labels=["source"],
        )
        failed = GaugeMetricFamily(
            "ardesk_sync_last_run_failed",
            "1 if the source's most recent sync run failed.",
            labels=["source"],
        )
        never = 10 * 365 * 86400.0  # a source that never succeeded: as stale as can be
        for source in figures.sources:
            lag.add_metric(
                [source.source],
                _age(now, source.last_success) if source.last_success else never,
            )
            failed.add_metric([source.source], 1.0 if source.last_run_failed else 0.0)
        yield lag
        yield failed
