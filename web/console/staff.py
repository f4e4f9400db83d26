"""The AR team member behind a console request: their own cookie, their own server-side session.

The console never reads the portal's cookie (``ardesk_session``), and the portal never reads
this one (``ardesk_ar``, path ``/ar``): a customer's session cannot reach the console and an AR
session cannot act as a customer. The cookie carries only the session's random secret, signed;
the row (``core.sessions``, kind ``ar``) decides, on every request, whether it is still open:
sign-out, idle time, the absolute lifetime and a disabled user end it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Response, abort, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import sessions
from core.audit import record
from core.db import Database
from core.models import ARRole, ARUser, SessionKind, WebSession, utcnow
from web.extensions import app_settings

COOKIE = "ardesk_ar"
COOKIE_PATH = "/ar"
SALT = "ardesk.ar-session"
# As for portal sessions: the last-request time is written back at most once a minute.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    name: str
    role: ARRole
    session_key: str

    @property
    def is_admin(self) -> bool:
        return self.role is ARRole.admin

    @property
    def actor(self) -> str:
        return f"ar:{self.email}"


def database() -> Database:
    return current_app.extensions["ardesk.db"]


def _serializer() -> URLSafeSerializer:
    config = current_app.config
    # itsdangerous signs with the last key and verifies with all: rotation as for the portal.
    keys = [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]
    return URLSafeSerializer(keys, salt=SALT)


def start(session: Session, user: ARUser, response: Response) -> None:
    settings = app_settings()
    secret = sessions.start(
        session,
        SessionKind.ar,
        ar_user_id=user.id,
        expires_at=utcnow() + settings.ar_session_max,
    )
    response.set_cookie(
        COOKIE,
        _serializer().dumps(secret),
        path=COOKIE_PATH,
        httponly=True,
        secure=settings.env != "development",
        samesite="Strict",
    )


def _cookie_key() -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        secret = _serializer().loads(raw)
    except BadSignature:
        return None
    return sessions.session_key(secret) if isinstance(secret, str) else None


def end(response: Response, reason: str = "signed_out") -> None:
    key = _cookie_key()
    if key is not None:
        with database().admin_session() as session:
            sessions.end(session, key, reason)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


def current() -> Staff | None:
    """The signed-in AR user of this request, or None (no cookie, or the session ended)."""
    if "staff" in g:
        return g.staff
    key = _cookie_key()
    staff = _read(key) if key else None
    g.staff = staff
    return staff


def _read(key: str) -> Staff | None:
    settings = app_settings()
    now = utcnow()
    with database().admin_session() as session:
        row = session.execute(
            select(
                WebSession.last_seen_at,
                WebSession.expires_at,
                WebSession.ended_at,
                ARUser.id,
                ARUser.email,
                ARUser.name,
                ARUser.role,
                ARUser.active,
            )
            .join(ARUser, ARUser.id == WebSession.ar_user_id)
            .where(WebSession.id == key, WebSession.kind == SessionKind.ar)
        ).first()
        if row is None or row.ended_at is not None:
            return None
        reason = (
            "expired"
            if now >= row.expires_at
            else "idle"
            if now - row.last_seen_at > settings.ar_session_idle
            else "disabled"
            if not row.active
            else None
        )
        if reason:
            sessions.end(session, key, reason, now)
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            sessions.touch(session, key, now)
    return Staff(row.id, row.email, row.name, ARRole(row.role), key)


def require_admin() -> Staff:
    staff = current()
    if staff is None or not staff.is_admin:
        abort(403)
    return staff


def audit(
    session: Session,
    action: str,
    target: str | None = None,
    *,
    actor: str | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    link_id: str | None = None,
    **detail: Any,
) -> None:
    """An audit event by the signed-in AR user (``actor`` names who tried, at sign-in)."""
    staff = current()
    record(
        session,
        action,
        actor=actor or (staff.actor if staff else "ar:anonymous"),
        account_id=account_id,
        contact_id=contact_id,
        link_id=link_id,
        target=target,
        ip=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        **detail,
    )
