"""Portal links asked for at ``/login``, sent by the worker.

The web request stored only the address (``LoginRequest``); here each address is looked up, a
portal link is emailed to every active contact on file with it (one per account), the request is
audited, and the row is deleted — so the page took the same time for a known address as for an
unknown one, and a stranger's address is not kept.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from core import setting_overrides
from core.audit import record
from core.config import Settings
from core.db import Database
from core.links import LinkSigner
from core.models import Contact, LinkScope, LoginRequest
from mailers.link_email import email_link

BATCH = 50


def send_login_links(db: Database, settings: Settings, signer: LinkSigner) -> int:
    """Answer up to ``BATCH`` queued requests; returns how many were handled."""
    with db.admin_session() as session:
        query = select(LoginRequest).order_by(LoginRequest.id).limit(BATCH)
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        requests = list(session.scalars(query))
        if requests:  # the link lifetime as the console may have changed it
            settings = setting_overrides.effective(db.portal_engine, settings)
        for request in requests:
            _answer(session, settings, signer, request)
        if requests:
            session.execute(
                delete(LoginRequest).where(LoginRequest.id.in_([r.id for r in requests]))
            )
    return len(requests)


def _answer(session, settings: Settings, signer: LinkSigner, request: LoginRequest) -> None:
    client = {"ip": request.ip, "user_agent": request.user_agent}
    contacts = session.scalars(
        select(Contact).where(Contact.email == request.address, Contact.active.is_(True))
    ).all()
    for contact in contacts:
        sent = email_link(
            session, settings, signer, contact, LinkScope.portal, "login", actor="login"
        )
        record(
            session,
            "login.request",
            actor="visitor",
            account_id=contact.account_id,
            contact_id=contact.id,
            target="portal",
            sent=sent,
            **client,
        )
    if not contacts:
        # Only the fact that a request came: no address is kept for strangers.
        record(session, "login.request", actor="visitor", matched=False, **client)
