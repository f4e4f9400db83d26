"""The visitor: who followed which link, and what that lets them see.

The signed session cookie holds only ids (account, contact, link) and the time of the last
request (to the minute: see ``TOUCH_EVERY``). Everything the session grants is re-read on every
request from the link and contact rows, inside the account scope, in one query: a link AR
revokes, a contact made inactive or a role changed take effect on the next click, not when the
cookie expires.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, request, session
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import record
from core.db import Database
from core.models import AccessLink, Account, Contact, LinkScope, RolePermission

SESSION_KEY = "visitor"
# The time of the last request is written back at most this often, so the idle timeout ends a
# session after 29 to 30 minutes without a request.
TOUCH_EVERY = 60


class NoVisitor(Exception):
    """No portal session, or it ended (idle, revoked, contact inactive)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "none", "idle", "revoked", "inactive"


@dataclass(frozen=True)
class Visitor:
    account_id: int
    account_name: str
    contact_id: int
    contact_name: str
    contact_email: str
    language: str | None
    role: str
    permissions: frozenset[str]
    link_id: str
    scope: LinkScope
    targets: dict[str, Any] = field(default_factory=dict)

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def actor(self) -> str:
        return f"contact:{self.contact_id}"

    @property
    def sees_everything(self) -> bool:
        return self.scope is LinkScope.portal


def database() -> Database:
    return current_app.extensions["ardesk.db"]


def open_session(account_id: int, contact_id: int, link_id: str) -> None:
    """Start a portal session for this link (the cookie is replaced, never extended)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = {"a": account_id, "c": contact_id, "l": link_id, "t": int(time.time())}


def end_session() -> None:
    session.pop(SESSION_KEY, None)


def scoped() -> Session:
    """The request's account-scoped database session (opened by ``current_visitor``)."""
    return g.scoped_session


def current_visitor() -> Visitor:
    """The visitor of this request, with the account scope open on ``g``; NoVisitor if none."""
    if "visitor" in g:
        return g.visitor
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        raise NoVisitor("none")
    idle_limit = current_app.permanent_session_lifetime.total_seconds()
    if time.time() - data.get("t", 0) > idle_limit:
        end_session()
        raise NoVisitor("idle")
    stack = ExitStack()
    scoped_session = stack.enter_context(database().account_scope(int(data["a"])))
    try:
        visitor = _read_visitor(scoped_session, data)
    except NoVisitor:
        stack.close()
        end_session()
        raise
    except BaseException:
        stack.close()
        raise
    now = int(time.time())
    if now - data.get("t", 0) >= TOUCH_EVERY:
        # Only then is the cookie rewritten (and its expiry moved): an unchanged session sends
        # no Set-Cookie, so most requests skip signing one.
        session[SESSION_KEY] = {**data, "t": now}
    g.visitor = visitor
    g.scoped_session = scoped_session
    g.scope_stack = stack
    g.language = visitor.language
    return visitor


def _read_visitor(scoped_session: Session, data: dict[str, Any]) -> Visitor:
    """The link, its contact, the account's name and the role's permissions, in one query: one
    row per permission (one row, without permissions, for a role that has none)."""
    rows = scoped_session.execute(
        select(
            AccessLink.revoked_at,
            AccessLink.scope,
            AccessLink.targets,
            Contact.account_id,
            Contact.name,
            Contact.email,
            Contact.language,
            Contact.role,
            Contact.active,
            Account.name,
            RolePermission.permission,
        )
        .join(Contact, Contact.id == AccessLink.contact_id)
        .join(Account, Account.id == Contact.account_id)
        .outerjoin(RolePermission, RolePermission.role == Contact.role)
        .where(AccessLink.id == data["l"], Contact.id == data["c"])
    ).all()
    if not rows or rows[0].revoked_at is not None:
        raise NoVisitor("revoked")
    first = rows[0]
    if not first.active:
        raise NoVisitor("inactive")
    return Visitor(
        account_id=first.account_id,
        account_name=first[9],
        contact_id=int(data["c"]),
        contact_name=first[4],
        contact_email=first.email,
        language=first.language,
        role=first.role,
        permissions=frozenset(row.permission for row in rows if row.permission is not None),
        link_id=str(data["l"]),
        scope=LinkScope(first.scope),
        targets=dict(first.targets or {}),
    )


def close_scope(error: BaseException | None) -> None:
    """Commit the request's scoped work (its audit events) or roll it back on an error."""
    stack: ExitStack | None = g.pop("scope_stack", None)
    if stack is None:
        return
    if error is None:
        stack.close()
    else:
        stack.__exit__(type(error), error, error.__traceback__)


def client() -> dict[str, str | None]:
    """IP and user agent for audit events."""
    return {
        "ip": request.remote_addr,
        "user_agent": request.headers.get("User-Agent"),
    }


def audit(action: str, target: str | None = None, **detail: Any) -> None:
    """An audit event for the current visitor, in the request's scoped transaction."""
    audit_in(scoped(), action, target, **detail)


def audit_in(session: Session, action: str, target: str | None = None, **detail: Any) -> None:
    """An audit event for the current visitor in ``session`` (a privileged write's own)."""
    visitor: Visitor = g.visitor
    record(
        session,
        action,
        actor=visitor.actor,
        account_id=visitor.account_id,
        contact_id=visitor.contact_id,
        link_id=visitor.link_id,
        target=target,
        **client(),
        **detail,
    )


def iter_targets(visitor: Visitor, key: str) -> Iterator[Any]:
    value = visitor.targets.get(key) or []
    yield from (value if isinstance(value, list) else [value])
