"""Server-side sessions: opened with a random secret, found by its hash, ended by a row update.

The cookie carries the secret; the database holds only its SHA-256 (``WebSession.id``), so
neither a copy of the table nor a guessed id opens a session. Ending is a write to the row, so it
takes effect on the next request of every copy of the cookie: sign-out, a revoked link, a contact
made inactive, AR's "end all for this account".
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import SessionKind, WebSession, utcnow

SECRET_BYTES = 32


def session_key(secret: str) -> str:
    """The row id for a cookie's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start(
    session: Session,
    kind: SessionKind,
    *,
    expires_at: datetime,
    account_id: int | None = None,
    contact_id: int | None = None,
    link_id: str | None = None,
    ar_user_id: int | None = None,
    now: datetime | None = None,
) -> str:
    """Open a session and return the secret for its cookie (never stored)."""
    if kind is SessionKind.customer and not (account_id and contact_id and link_id):
        raise ValueError("a customer session belongs to an account, a contact and a link")
    if kind is SessionKind.ar and not ar_user_id:
        raise ValueError("an AR session belongs to an AR user")
    now = now or utcnow()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    session.add(
        WebSession(
            id=session_key(secret),
            kind=kind,
            account_id=account_id,
            contact_id=contact_id,
            link_id=link_id,
            ar_user_id=ar_user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return secret


def touch(session: Session, key: str, now: datetime | None = None) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.id == key, WebSession.ended_at.is_(None))
        .values(last_seen_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def end(session: Session, key: str, reason: str, now: datetime | None = None) -> int:
    """End the session stored under ``key`` (idempotent); returns 1 if it was open."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.id == key, WebSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), ended_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def end_all(
    session: Session,
    reason: str,
    *,
    account_id: int | None = None,
    contact_id: int | None = None,
    link_ids: Iterable[str] | None = None,
    ar_user_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """End every open session of an account, a contact, some links or an AR user."""
    conditions = []
    if account_id is not None:
        conditions.append(WebSession.account_id == account_id)
    if contact_id is not None:
        conditions.append(WebSession.contact_id == contact_id)
    if link_ids is not None:
        ids = list(link_ids)
        if not ids:
            return 0
        conditions.append(WebSession.link_id.in_(ids))
    if ar_user_id is not None:
        conditions.append(WebSession.ar_user_id == ar_user_id)
    if not conditions:
        raise ValueError("end_all needs an account, a contact, links or an AR user")
    result = session.execute(
        update(WebSession)
        .where(*conditions, WebSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), ended_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
