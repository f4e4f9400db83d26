"""Writing the audit trail: one call per event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert
from sqlalchemy.orm import Session

from core import metrics
from core.driver_statements import DriverStatement
from core.models import AuditEvent, utcnow


def values(
    action: str,
    *,
    actor: str,
    account_id: int | None = None,
    contact_id: int | None = None,
    link_id: str | None = None,
    target: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """An event's columns. ``detail`` holds facts, never message bodies, tokens or secrets."""
    return {
        "action": action,
        "actor": actor,
        "account_id": account_id,
        "contact_id": contact_id,
        "link_id": link_id,
        "target": target,
        "ip": ip,
        # Whatever the client sent, as PostgreSQL's text can hold it (no NUL).
        "user_agent": (user_agent or "")[:400].replace("\x00", "\ufffd") or None,
        "detail": detail,
    }


# The portal writes its events with this one statement (``write``), on the driver's cursor:
# through the ORM's unit of work an event cost more CPU than the rest of a cached PDF's request.
# Its columns are those ``values`` gives, and the time; ``inline``: nothing is read back (no
# ``RETURNING id``, which SQLAlchemy adds for the primary key otherwise).
_INSERT = DriverStatement(
    insert(AuditEvent.__table__)
    .values({name: bindparam(name) for name in ("at", *values("", actor=""))})
    .inline()
)


def record(session: Session, action: str, *, actor: str, **facts: Any) -> AuditEvent:
    """Append an event (see ``values``) to ``session``, written with its next flush."""
    event = AuditEvent(**values(action, actor=actor, **facts))
    session.add(event)
    metrics.audited(session, action, event.target, event.detail)
    return event


def write(session: Session, events: list[dict[str, Any]]) -> None:
    """Insert events made by ``values`` in the session's transaction (counted in the metrics if
    it commits, as ``record``'s are)."""
    if events:
        insert_events(session.connection(), events)
    for event in events:
        metrics.audited(session, event["action"], event["target"], event["detail"])


def insert_events(connection: Connection, events: list[dict[str, Any]]) -> None:
    """Insert events made by ``values`` in the connection's transaction; the caller counts them
    (``metrics.audit_committed``) once it commits."""
    for row in _timed(events):
        _INSERT.execute(connection, row)


def insert_events_and_commit(connection: Connection, events: list[dict[str, Any]]) -> None:
    """``insert_events``, then commit the connection's transaction (on PostgreSQL in the same
    round trip)."""
    _INSERT.execute_then_commit(connection, _timed(events))


def _timed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events' rows, all at the same time: now."""
    at = utcnow()
    return [{"at": at, **event} for event in events]
