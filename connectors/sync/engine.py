"""The sync: one source's changes since its watermark, written in one transaction.

Order matters: accounts, then contacts and invoices (which name accounts), then payments (whose
allocations name invoices), then the paid amounts that follow from allocations. A source that
fails rolls the run back and is retried with backoff; after the last attempt the data is as it
was and the failed run is stored with its one-line reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, update

from connectors.base import Connector
from connectors.config import SourceConfig
from connectors.errors import SourceError
from connectors.records import RECORD_TYPES, Rejection
from connectors.registry import open_connector
from connectors.sync import directory, documents, invoices, payments
from connectors.sync.context import BATCH, WriteContext
from connectors.sync.deferred import DeferredIndexes
from connectors.sync.lock import SyncAlreadyRunning, source_lock
from connectors.sync.reader import ReaderProcess
from connectors.sync.reconcile import reconcile
from connectors.sync.report import SyncReport
from connectors.sync.runs import last_watermarks, record_run
from core.db import Database
from core.models import Account, utcnow
from core.models.sync_run import SyncStatus

log = logging.getLogger(__name__)

# A first import of at least this much source data is read in a second process while this one
# writes (two cores: reading and converting rows costs about as much as writing them).
PARALLEL_READ_BYTES = 8 * 1024 * 1024
BULK_BATCH_FACTOR = 5

# progress(record_type, records_read) — called after each batch.
Progress = Callable[[str, int], None]

WRITERS = {
    "accounts": directory.write_accounts,
    "contacts": directory.write_contacts,
    "invoices": invoices.write_invoices,
    "payments": payments.write_payments,
}


# Rejections of these records mean a complete listing is not complete after all.
RELATED = {
    "accounts": {"accounts"},
    "contacts": {"contacts"},
    "invoices": {"invoices", "lines", "credit_notes", "credit_note_lines"},
    "payments": {"payments", "allocations"},
}


class SyncFailed(SourceError):
    """The source kept failing; nothing was written."""


__all__ = ["SyncAlreadyRunning", "SyncFailed", "run_sync"]


def run_sync(
    db: Database,
    config: SourceConfig,
    *,
    full: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    connector_factory: Callable[[SourceConfig], Connector] = open_connector,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncReport:
    """Sync one source into ardesk through the privileged role; returns the report.

    Raises SyncAlreadyRunning at once when another sync of the same source is running.
    """
    with source_lock(db, config.name):
        return _run(db, config, full, dry_run, progress, connector_factory, sleep)


def _run(
    db: Database,
    config: SourceConfig,
    full: bool,
    dry_run: bool,
    progress: Progress | None,
    connector_factory: Callable[[SourceConfig], Connector],
    sleep: Callable[[float], None],
) -> SyncReport:
    started = time.monotonic()
    started_at = utcnow()
    with db.engine.connect() as conn:
        previous = {} if full else last_watermarks(conn, config.name)
    attempt = 0
    while True:
        attempt += 1
        report = SyncReport(config.name, dry_run=dry_run, full=full)
        try:
            watermarks = _attempt(
                db, config, report, previous, dry_run, progress, connector_factory, started_at
            )
            break
        except SourceError as exc:
            retry = exc.retryable and attempt < config.attempts
            log.warning(
                "sync %s: attempt %d of %d failed: %s", config.name, attempt, config.attempts, exc
            )
            if not retry:
                if not dry_run:
                    _store_failure(db, config, started_at, full, attempt, exc)
                raise SyncFailed(
                    f"sync of {config.name} failed after {attempt} attempt(s): {exc}",
                    retryable=exc.retryable,
                ) from None
            sleep(config.backoff_s * 2 ** (attempt - 1))
    report.duration_s = time.monotonic() - started
    if not dry_run:
        with db.engine.begin() as conn:
            record_run(
                conn,
                config.name,
                started_at=started_at,
                status=SyncStatus.succeeded,
                full=full,
                attempts=attempt,
                watermarks=watermarks,
                report=report.as_dict(),
            )
    return report


def _attempt(
    db: Database,
    config: SourceConfig,
    report: SyncReport,
    previous: dict[str, datetime],
    dry_run: bool,
    progress: Progress | None,
    connector_factory: Callable[[SourceConfig], Connector],
    started_at: datetime,
) -> dict[str, datetime]:
    watermarks = dict(previous)
    plan = []
    for kind in RECORD_TYPES:
        since = previous.get(kind)
        plan.append((kind, since - config.overlap if since is not None else None))
    with connector_factory(config) as connector, db.engine.connect() as conn:
        transaction = conn.begin()
        reader: ReaderProcess | None = None
        deferred = DeferredIndexes(conn)
        try:
            _take_write_lock(conn)
            ctx = WriteContext.open(conn, config.name, report, config.default_role)
            # A first import: nothing of this source to compare with, so new rows go straight
            # in and the indexes of still-empty tables are built once at the end.
            ctx.bulk = {"invoices", "payments"} <= ctx.fresh and not dry_run
            if ctx.bulk:
                deferred.drop()
                if connector.volume_hint() >= PARALLEL_READ_BYTES:
                    reader = ReaderProcess(connector_factory, config, plan)
            # A dry run stores nothing, so it does not download originals either.
            ctx.fetch_documents = connector.has_documents() and not dry_run
            now = utcnow()
            for kind, since in plan:
                stream = reader.stream(kind) if reader else getattr(connector, kind)(since)
                seen, newest = _write_stream(ctx, connector, kind, stream, progress)
                if newest is not None:
                    watermarks[kind] = max(newest, watermarks.get(kind, newest))
                complete = since is None and connector.provides(kind)
                fresh = ctx.bulk and kind in ("invoices", "payments")  # nothing else to miss
                if complete and not fresh and not RELATED[kind] & report.rejected_types():
                    # A complete listing without rejected rows: what it lacks was deleted.
                    _handle_missing(ctx, kind, seen, now)
            if not connector.gives_balances():
                if ctx.bulk:
                    payments.recompute_all_paid(ctx)
                else:
                    payments.recompute_paid(ctx)
            reconcile(ctx)
            # Everything the source lists is now at least as recent as this run's start.
            conn.execute(
                update(Account.__table__)
                .where(Account.__table__.c.source == config.name)
                .values(data_as_of=started_at)
            )
            deferred.restore()
        except BaseException:
            transaction.rollback()
            deferred.close()
            raise
        finally:
            if reader is not None:
                reader.close()
        try:
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()
        finally:
            deferred.close()
    return watermarks


def _take_write_lock(conn: Connection) -> None:
    """On SQLite, take the write lock now: ids are counted on from the largest, which is only
    safe while no other writer can insert (DESIGN: loads and syncs go through this role)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE sync_runs SET id = id WHERE 0")


def _write_stream(
    ctx: WriteContext,
    connector: Connector,
    kind: str,
    stream: Iterable[Any],
    progress: Progress | None,
) -> tuple[set, datetime | None]:
    writer = WRITERS[kind]
    seen: set = set()
    newest: datetime | None = None
    read = 0
    for batch in _batches(stream, ctx):
        writer(ctx, batch)
        if ctx.documents:
            documents.store_originals(ctx, connector)
        for record in batch:
            updated = record.updated_at
            if updated is not None and (newest is None or updated > newest):
                newest = updated
            if kind == "contacts":
                account = ctx.accounts.get(record.account)
                if account is not None:
                    seen.add((account.id, record.email))
            else:
                seen.add(record.erp_id)
        read += len(batch)
        if progress is not None:
            progress(kind, read)
    return seen, newest


def _batches(stream: Iterable[Any], ctx: WriteContext) -> Iterator[list[Any]]:
    # A first import looks nothing up, so bigger batches only save round trips.
    size = BATCH * BULK_BATCH_FACTOR if ctx.bulk else BATCH
    batch: list[Any] = []
    for item in stream:
        if isinstance(item, Rejection):
            ctx.report.reject(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _handle_missing(ctx: WriteContext, kind: str, seen: set, now: datetime) -> None:
    if kind == "accounts":
        directory.close_missing_accounts(ctx, seen, now)
    elif kind == "contacts":
        directory.deactivate_missing_contacts(ctx, seen, now)
    elif kind == "invoices":
        invoices.remove_missing_invoices(ctx, seen, now)
    elif kind == "payments":
        payments.delete_missing_payments(ctx, seen)


def _store_failure(
    db: Database, config: SourceConfig, started_at: datetime, full: bool, attempts: int, exc
) -> None:
    with db.engine.begin() as conn:
        record_run(
            conn,
            config.name,
            started_at=started_at,
            status=SyncStatus.failed,
            full=full,
            attempts=attempts,
            watermarks={},
            report={},
            error=str(exc)[:500],
        )
