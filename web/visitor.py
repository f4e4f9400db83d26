"""The visitor: who followed which link, and what that lets them see.

The session lives on the server (``core.sessions``): the signed cookie holds only the session's
random secret and its account id (so the request opens that account's scope at once). Everything
the session grants is re-read on every request, inside the account scope, in one query over the
session row, its link, the contact and the role's permissions: sign-out, idle time, the link's
expiry or revocation, a contact made inactive or a role changed take effect on the next request,
for every copy of the cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from flask import abort, current_app, g, request, session
from sqlalchemy import (
    Connection,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    null,
    select,
)
from sqlalchemy.orm import Session

from core import audit as audit_trail
from core import metrics, permissions, sessions
from core.db import Database, Opening, RequestScope
from core.driver_statements import DriverStatement
from core.models import (
    AccessLink,
    Account,
    Contact,
    LinkScope,
    RolePermission,
    SessionKind,
    WebSession,
    utcnow,
)
from core.permissions import Surface
from web import prefetch
from web.extensions import app_settings
from web.planning import Planning, planning_for

SESSION_KEY = "visitor"
# The session's last-request time is written back at most this often: a session ends between
# ``session_idle - TOUCH_EVERY`` and ``session_idle`` after its last request.
TOUCH_EVERY = timedelta(seconds=60)


class NoVisitor(Exception):
    """No portal session, or it ended (idle, signed out, expired, revoked, contact inactive)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "none", "idle", "ended", "expired", "revoked", "inactive"


# The header's links besides the overview, which every visitor who sees the portal may open.
MENU = (Surface.invoice_list, Surface.statement_page, Surface.payments_page)


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

    def allows(self, surface: Surface | str) -> bool:
        """Whether this visitor's role may use ``surface`` (``core.permissions``)."""
        return permissions.allows(self.permissions, Surface(surface))

    @property
    def actor(self) -> str:
        return f"contact:{self.contact_id}"

    @property
    def sees_everything(self) -> bool:
        return self.scope is LinkScope.portal

    @property
    def menu(self) -> tuple[str, ...]:
        """The surfaces the page header links to: those of ``MENU`` the role allows, for a
        visitor who sees the whole portal (a link to some documents has no menu)."""
        if not self.sees_everything:
            return ()
        return tuple(surface for surface in MENU if self.allows(surface))


def require(surface: Surface) -> Visitor:
    """The visitor, if their role may use ``surface``; 403 otherwise."""
    visitor = current_visitor()
    if not visitor.allows(surface):
        abort(403)
    return visitor


def database() -> Database:
    return current_app.extensions["ardesk.db"]


def open_session(scoped_session: Session, link: AccessLink, contact_id: int) -> None:
    """Start a portal session for this link, in the link's account scope; the cookie is replaced
    (a new secret each time: nothing from before the link was opened carries over)."""
    secret = sessions.start(
        scoped_session,
        SessionKind.customer,
        account_id=link.account_id,
        contact_id=contact_id,
        link_id=link.id,
        expires_at=link.expires_at,
    )
    session.clear()
    session[SESSION_KEY] = {"s": secret, "a": link.account_id}


def end_session(reason: str = "signed_out") -> None:
    """End the server-side session (every copy of its cookie) and forget the cookie."""
    data = session.pop(SESSION_KEY, None)
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return
    key = sessions.session_key(str(data.get("s", "")))
    with database().account_scope(data["a"]) as scoped_session:
        sessions.end(scoped_session, key, reason)


def scoped() -> Session:
    """The request's account-scoped ORM session (the scope is opened by ``current_visitor``)."""
    return g.scope.session()


def scoped_connection() -> Connection:
    """The request's account-scoped connection, for statements that need no ORM session."""
    return g.scope.connection


def current_visitor() -> Visitor:
    """The visitor of this request, with the account scope open on ``g``; NoVisitor if none."""
    request_globals = g._get_current_object()  # one context lookup, not one per use
    known = request_globals.get("visitor")
    if known is not None:
        return known
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not data.get("s"):
        raise NoVisitor("none")
    key = sessions.session_key(str(data["s"]))
    db = database()
    ahead = _reads_ahead(db)
    opening = visitor_opening(db, key, data["a"], planning_for(request.endpoint, request.args))
    if ahead:
        opening = replace(opening, then=prefetch.ahead(key, data["a"]))
    stack = ExitStack()
    scope = stack.enter_context(db.request_scope(data["a"], generic_plans=True, opening=opening))
    try:
        visitor = _read_visitor(scope, key)
    except NoVisitor:
        stack.close()  # commits the session's end (written by _read_visitor)
        session.pop(SESSION_KEY, None)
        raise
    except BaseException as error:
        stack.__exit__(type(error), error, error.__traceback__)
        raise
    if ahead:
        whole_portal = visitor.scope is LinkScope.portal
        hints = prefetch.Hints(
            visitor.language, visitor.allows(Surface.copy_payments), whole_portal
        )
        prefetch.remember(key, hints)
    request_globals.visitor = visitor
    request_globals.scope = scope
    request_globals.scope_stack = stack
    request_globals.language = visitor.language
    return visitor


def _reads_ahead(db: Database) -> bool:
    """Whether a page's statement may go with the scope's opening (``web.prefetch``): on
    PostgreSQL, where the opening is one message (not behind a pooler in transaction mode)."""
    return db.dialect == "postgresql" and not db.settings.database_transaction_pooling


def _ended(scope: RequestScope, key: str, reason: str) -> NoVisitor:
    sessions.end(scope.session(), key, reason)
    return NoVisitor(reason)


# Built once: constructing this statement cost as much as running it. It runs on the request
# scope's connection as a plain statement, so the account is named in it explicitly (row-level
# security applies on PostgreSQL as to every statement of the scope).
_VISITOR_QUERY = (
    select(
        WebSession.last_seen_at,
        WebSession.expires_at,
        WebSession.ended_at,
        AccessLink.id,
        AccessLink.revoked_at,
        AccessLink.expires_at,
        AccessLink.scope,
        # What a narrower link shows; a link to the whole portal has nothing to read there.
        case((AccessLink.scope == LinkScope.portal, null()), else_=AccessLink.targets),
        Contact.id,
        Contact.name,
        Contact.email,
        Contact.language,
        Contact.role,
        Contact.active,
        Contact.account_id,
        Account.name,
        # The role's permissions as one space-separated value: one row to read, not one per
        # permission.
        select(func.aggregate_strings(RolePermission.permission, literal_column("' '")))
        .where(RolePermission.role == Contact.role)
        .scalar_subquery(),
    )
    .join(AccessLink, AccessLink.id == WebSession.link_id)
    .join(Contact, Contact.id == WebSession.contact_id)
    .join(Account, Account.id == Contact.account_id)
    .where(
        WebSession.id == bindparam("key"),
        WebSession.kind == SessionKind.customer,
        WebSession.account_id == bindparam("account_id"),
        AccessLink.account_id == bindparam("account_id"),
        Contact.account_id == bindparam("account_id"),
    )
)


# On PostgreSQL the scope opens with the server free to reuse plans (``web.planning``): this
# key lookup, planned anew on every request, was half the server's CPU of an invoice list. For a
# page whose own queries must be planned otherwise, the same statement then sets the rest of the
# transaction's planning as it returns the session's row (``set_config`` in the select list runs
# after the statement was planned, and with no row there is no page either): custom plans, or,
# for a page that asks for generic ones, generic plans if the link shows the whole portal.
_PLANS = {
    Planning.custom: literal("force_custom_plan"),
    Planning.generic: case(
        (AccessLink.scope == LinkScope.portal, literal("force_generic_plan")),
        else_=literal("force_custom_plan"),
    ),
}
# Compiled once, run on the driver's cursor (``core.driver_statements``).
_VISITOR_STATEMENTS = {
    Planning.reused: DriverStatement(_VISITOR_QUERY),
    **{
        planning: DriverStatement(
            _VISITOR_QUERY.add_columns(func.set_config("plan_cache_mode", mode, True))
        )
        for planning, mode in _PLANS.items()
    },
}


def visitor_opening(db: Database, key: str, account_id: int, planning: Planning) -> Opening:
    """The statement that opens a request's account scope: the session of ``key``, its link,
    its contact, the account's name and the role's permissions, in one query and one row; on
    PostgreSQL the rest of the transaction is then planned as ``planning`` says."""
    if db.dialect != "postgresql":
        planning = Planning.reused
    return Opening(_VISITOR_STATEMENTS[planning], {"key": key, "account_id": account_id})


def _read_visitor(scope: RequestScope, key: str) -> Visitor:
    """The visitor from the row the scope opened with (``visitor_opening``); NoVisitor, and the
    session ended, where the session may no longer be used."""
    row = scope.opened
    if row is None:
        raise NoVisitor("none")
    (seen, session_expires, ended, link_id, revoked, link_expires, link_scope, targets) = row[:8]
    (contact_id, name, email, language, role, active, account_id, account_name) = row[8:16]
    if ended is not None:
        raise NoVisitor("ended")
    now = utcnow()
    if revoked is not None:
        raise _ended(scope, key, "revoked")
    if now >= min(session_expires, link_expires):
        raise _ended(scope, key, "expired")
    if now - seen > app_settings().session_idle:
        raise _ended(scope, key, "idle")
    if not active:
        raise _ended(scope, key, "inactive")
    if now - seen >= TOUCH_EVERY:
        sessions.touch(scope.session(), key, now)
    return Visitor(
        account_id=account_id,
        account_name=account_name,
        contact_id=contact_id,
        contact_name=name,
        contact_email=email,
        language=language,
        role=role,
        permissions=frozenset((row[16] or "").split()),
        link_id=link_id,
        scope=LinkScope(link_scope),
        targets=dict(targets or {}),
    )


def close_scope(error: BaseException | None) -> None:
    """Commit the request's scoped work, its audit events written last (so SQLite's write lock
    is held only for the insert and the commit, not while the page renders), or roll it all
    back on an error."""
    stack: ExitStack | None = g.pop("scope_stack", None)
    events = g.pop("audit_events", None) or []
    if stack is None:
        return
    if error is not None:
        stack.__exit__(type(error), error, error.__traceback__)
        return
    try:
        scope: RequestScope = g.scope
        scope.flush()  # the page's own writes, before the events and the commit
        audit_trail.insert_events_and_commit(scope.connection, events)
    except BaseException as failed:
        stack.__exit__(type(failed), failed, failed.__traceback__)
        raise
    stack.close()
    for event in events:
        metrics.audit_committed(event["action"], event["detail"])


def client() -> dict[str, str | None]:
    """IP and user agent for audit events."""
    return {
        "ip": request.remote_addr,
        "user_agent": request.headers.get("User-Agent"),
    }


def audit(action: str, target: str | None = None, **detail: Any) -> None:
    """An audit event for the current visitor, committed with the request's scoped work (or
    rolled back with it): written by ``close_scope``."""
    g.setdefault("audit_events", []).append(_event(action, target, detail))


def audit_in(session: Session, action: str, target: str | None = None, **detail: Any) -> None:
    """An audit event for the current visitor in ``session`` (a privileged write's own)."""
    audit_trail.record(session, **_event(action, target, detail))


def _event(action: str, target: str | None, detail: dict[str, Any]) -> dict[str, Any]:
    visitor: Visitor = g.visitor
    return audit_trail.values(
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
