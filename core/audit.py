"""Writing the audit trail: one call per event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import metrics
from core.models import AuditEvent


def record(
    session: Session,
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
) -> AuditEvent:
    """Append an event. ``detail`` holds facts, never message bodies, tokens or secrets."""
    event = AuditEvent(
        action=action,
        actor=actor,
        account_id=account_id,
        contact_id=contact_id,
        link_id=link_id,
        target=target,
        ip=ip,
        user_agent=(user_agent or "")[:400] or None,
        detail=detail,
    )
    session.add(event)
    metrics.audited(session, action, target, detail)
    return event
