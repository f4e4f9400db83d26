"""The visitor: who followed which link, and what that lets them see.

The signed session cookie holds only ids (account, contact, link) and the time of the last
request. Everything the session grants is re-read on every request from the link and contact
rows, inside the account scope: a link AR revokes, a contact made inactive or a role changed
take effect on the next click, not when the cookie expires.
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
from core.models import AccessLink, Contact, LinkScope
from core.permissions import permissions_for

SESSION_KEY = "visitor"


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
    row = scoped_session.execute(
        select(AccessLink, Contact)
        .join(Contact, Contact.id == AccessLink.contact_id)
        .where(AccessLink.id == data["l"], Contact.id == data["c"])
    ).first()
    if row is None or row[0].revoked_at is not None:
        stack.close()
        end_session()
        raise NoVisitor("revoked")
    link, contact = row
    if not contact.active:
        stack.close()
        end_session()
        raise NoVisitor("inactive")
    visitor = Visitor(
        account_id=contact.account_id,
        account_name=contact.account.name,
        contact_id=contact.id,
        contact_name=contact.name,
        contact_email=contact.email,
        language=contact.language,
        role=contact.role,
        permissions=permissions_for(scoped_session, contact.role),
        link_id=link.id,
        scope=LinkScope(link.scope),
        targets=dict(link.targets or {}),
    )
    data["t"] = int(time.time())
    session[SESSION_KEY] = data
    g.visitor = visitor
    g.scoped_session = scoped_session
    g.scope_stack = stack
    g.language = visitor.language
    return visitor


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
