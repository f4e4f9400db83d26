"""Emailing a fresh link to a contact's address on file — never to an address typed in a form.

The link is issued and the email written to the outbox in the caller's (privileged) transaction;
the worker delivers it. A contact gets at most ``MAX_RECENT_LINKS`` such emails per quarter hour,
so the portal's buttons and ``/login`` cannot be used to flood a mailbox.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import links
from core.config import Settings
from core.models import AccessLink, Contact, LinkScope, utcnow
from mailers.outbox import queue_link_email

Purpose = Literal["portal", "fresh", "login"]
MAX_RECENT_LINKS = 5
RECENT = timedelta(minutes=15)


def recently_sent(session: Session, contact: Contact) -> int:
    since = utcnow() - RECENT
    return (
        session.scalar(
            select(func.count())
            .select_from(AccessLink)
            .where(AccessLink.contact_id == contact.id, AccessLink.created_at >= since)
        )
        or 0
    )


def email_link(
    session: Session,
    settings: Settings,
    signer: links.LinkSigner,
    contact: Contact,
    scope: LinkScope,
    purpose: Purpose,
    *,
    targets: dict[str, Any] | None = None,
    actor: str,
) -> bool:
    """Issue a link for ``contact`` and queue the email; False when the contact cannot get one."""
    if not contact.active or recently_sent(session, contact) >= MAX_RECENT_LINKS:
        return False
    link = links.issue(
        session,
        signer,
        settings.base_url,
        contact,
        scope,
        ttl=settings.link_ttl,
        targets=targets,
        actor=actor,
    )
    queue_link_email(session, settings, contact, link, purpose, language=contact.language)
    return True
