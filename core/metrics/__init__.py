"""Prometheus metrics: what each process counts and times, by small fixed label sets.

Callers use the functions below, never prometheus_client itself. Instruments are made on first
use, not at import: a process that serves its metrics (``core.metrics.exposition``) must choose
prometheus_client's multiprocess mode before the library is imported, so that the worker's
decision child and gunicorn's workers write to files the serving process adds up.

``ARDESK_METRICS=false`` (``configure``) makes every function here return at once. Labels only
ever take values from fixed lists (anything else is counted as ``other``): a label fed from
input would grow without bound and with it every scrape.

What the database knows (outbox, hand-off queue, sync lag) is not counted here but read at
scrape time by ``core.metrics.database``.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.config import Settings
    from core.metrics.definitions import Instruments


class ErrorKind(enum.StrEnum):
    """What went wrong, for ``ardesk_errors_total{kind}`` (the error-rate alert)."""

    processing = "processing"  # deciding a message raised; retried, then handed to AR
    decision_overdue = "decision_overdue"  # past ARDESK_MESSAGE_DEADLINE: handed to AR
    decision_crashed = "decision_crashed"  # the decision process died
    delivery_failed = "delivery_failed"  # refused for good or too many attempts: AR told
    delivery_unknown = "delivery_unknown"  # a worker stopped mid-send: AR told
    web = "web"  # a page answered 500
    sync = "sync"  # a sync run failed
    imap = "imap"  # fetching mail failed (it reconnects)
    oauth = "oauth"  # no IMAP OAuth2 access token could be had
    smtp_intake = "smtp_intake"  # a message sent to `ardesk smtpd` could not be stored


LINK_REFUSALS = ("tampered", "unknown", "expired", "revoked", "exhausted", "inactive")
CHANNELS = ("email", "slack", "teams")
ACTIONS = ("reply", "handoff", "ignore")
VERIFICATIONS = ("verified", "unverified", "unknown")
PIPELINE_STEPS = (
    "header_guards", "identify", "understand", "content_guards", "thread", "resolve", "render",
)  # fmt: skip
# core.heartbeats.failure_kind's words, so metrics and `ardesk status` name a failure alike.
IMAP_FAILURES = (
    "oauth2", "login", "imap", "tls", "configuration", "timeout", "connection", "other",
)  # fmt: skip

_enabled = True
_instruments: Instruments | None = None
_lock = threading.Lock()


def configure(settings: Settings) -> None:
    """Follow ``ARDESK_METRICS`` (on unless a process is configured otherwise)."""
    global _enabled
    _enabled = settings.metrics


def enabled() -> bool:
    return _enabled


def instruments() -> Instruments:
    global _instruments
    if _instruments is None:
        with _lock:
            if _instruments is None:
                from core.metrics.definitions import Instruments

                _instruments = Instruments()
    return _instruments


_children: dict[tuple, Any] = {}


def _labelled(metric: Any, **labels: str) -> Any:
    """``metric.labels(**labels)``, kept: prometheus_client checks the names and looks the
    child up under a lock on every call, which was most of what counting cost a web request.
    Label values come from fixed lists, so the children kept are few."""
    key = (metric, *labels.values())
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(**labels)
    return child


def bounded(value: str | None, allowed: tuple[str, ...], empty: str = "none") -> str:
    if not value:
        return empty
    return value if value in allowed else "other"


def count_request(channel: str, intent: str, action: str, verification: str) -> None:
    """One request decided: its channel, first intent, action and how its sender was verified.
    ``intent`` comes bounded by the caller (``bounded(first, INTENTS)``): the intent names are
    the understanding's, which core does not import."""
    if not _enabled:
        return
    instruments().requests.labels(
        channel=bounded(channel, CHANNELS),
        intent=intent,
        action=bounded(action, ACTIONS),
        verification=bounded(verification, VERIFICATIONS),
    ).inc()


@contextmanager
def step_timer(step: str, *, record: bool = True) -> Iterator[None]:
    """Time one pipeline step (not recorded for dry runs: a warm-up is no request)."""
    if not (_enabled and record):
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        instruments().step_seconds.labels(step=bounded(step, PIPELINE_STEPS)).observe(
            time.perf_counter() - started
        )


def count_error(kind: ErrorKind, amount: int = 1) -> None:
    if _enabled and amount:
        instruments().errors.labels(kind=kind.value).inc(amount)


def count_deliveries(*, sent: int, retried: int, failed: int, unknown: int) -> None:
    """What one outbox pass did (the worker's delivery loop)."""
    if not _enabled:
        return
    deliveries = instruments().deliveries
    for result, amount in (
        ("sent", sent),
        ("retried", retried),
        ("failed", failed),
        ("unknown", unknown),
    ):
        if amount:
            deliveries.labels(result=result).inc(amount)
    count_error(ErrorKind.delivery_failed, failed)
    count_error(ErrorKind.delivery_unknown, unknown)


def count_sync_run(source: str, succeeded: bool, report: Mapping[str, Any]) -> None:
    """A sync run recorded: its result and the rows it read, by outcome. ``source`` is a name
    from the operator's sources file, a small set."""
    if not _enabled:
        return
    metrics = instruments()
    metrics.sync_runs.labels(source=source, result="succeeded" if succeeded else "failed").inc()
    if not succeeded:
        count_error(ErrorKind.sync)
    for outcome in ("inserted", "updated", "unchanged"):
        rows = sum(int(n) for n in (report.get(outcome) or {}).values())
        if rows:
            metrics.sync_rows.labels(source=source, outcome=outcome).inc(rows)
    rejected = len(report.get("rejected") or ())
    if rejected:
        metrics.sync_rows.labels(source=source, outcome="rejected").inc(rejected)


def imap_fetched() -> None:
    """A pass over the mailbox succeeded (the intake-stale alert reads the time)."""
    if _enabled:
        instruments().imap_last_success.set(time.time())


def imap_failed(reason: str) -> None:
    if _enabled:
        instruments().imap_failures.labels(reason=bounded(reason, IMAP_FAILURES)).inc()
        count_error(ErrorKind.imap)


def oauth_failed() -> None:
    if _enabled:
        instruments().oauth_failures.inc()
        count_error(ErrorKind.oauth)


def smtp_intake_failed() -> None:
    if _enabled:
        instruments().smtp_intake_errors.inc()
        count_error(ErrorKind.smtp_intake)


def http_request(blueprint: str, status: int, seconds: float) -> None:
    """One web request: its part of the site (a blueprint, a fixed set) and its status."""
    if not _enabled:
        return
    metrics = instruments()
    _labelled(metrics.http_requests, blueprint=blueprint, status=str(status)).inc()
    _labelled(metrics.http_seconds, blueprint=blueprint).observe(seconds)
    if status >= 500:
        count_error(ErrorKind.web)


# -- audit events, counted once their transaction commits ---------------------------------------

_PENDING = "ardesk.metrics.audited"
COUNTED_EVENTS = ("link.issue", "link.open", "link.refused", "document.download")


def audited(session: Any, action: str, target: str | None, detail: Mapping[str, Any]) -> None:
    """Note an audit event that a metric counts; it is counted if its transaction commits (a
    dry run, which rolls back, issues no link)."""
    if not _enabled or action not in COUNTED_EVENTS:
        return
    session.info.setdefault(_PENDING, []).append((action, _label(action, detail)))
    _listen()


def audit_committed(action: str, detail: Mapping[str, Any]) -> None:
    """Count an audit event whose transaction has committed (one written without an ORM
    session, which ``audited`` waits for)."""
    if _enabled and action in COUNTED_EVENTS:
        _count(action, _label(action, detail))


def _label(action: str, detail: Mapping[str, Any]) -> str:
    label = detail.get("reason") if action == "link.refused" else detail.get("kind")
    return str(label or "")


_listening = False


def _listen() -> None:
    global _listening
    if _listening:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    with _lock:
        if not _listening:
            event.listen(Session, "after_commit", _committed)
            event.listen(Session, "after_rollback", _rolled_back)
            _listening = True


def _committed(session: Any) -> None:
    for action, label in session.info.pop(_PENDING, None) or ():
        _count(action, label)


def _count(action: str, label: str) -> None:
    metrics = instruments()
    if action == "link.issue":
        _labelled(metrics.links, event="issued", reason="").inc()
    elif action == "link.open":
        _labelled(metrics.links, event="opened", reason="").inc()
    elif action == "link.refused":
        _labelled(metrics.links, event="refused", reason=bounded(label, LINK_REFUSALS)).inc()
    else:
        _labelled(metrics.downloads, kind=bounded(label, _document_kinds())).inc()


@cache
def _document_kinds() -> tuple[str, ...]:
    from core.models.document import DocumentKind

    return tuple(kind.value for kind in DocumentKind)


def _rolled_back(session: Any) -> None:
    session.info.pop(_PENDING, None)
