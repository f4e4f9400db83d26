"""Emailing a fresh link to a contact's address on file — never to an address typed in a form.

The link is issued and the email written to the outbox in the same privileged transaction; the
worker delivers it. A contact gets at most ``MAX_RECENT_LINKS`` such emails per quarter hour, so
the buttons and ``/login`` cannot be used to flood a mailbox.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import links
from core.config import Settings
from core.models import AccessLink, Contact, LinkScope, utcnow
from web.extensions import app_settings

Purpose = Literal["portal", "fresh", "login"]
MAX_RECENT_LINKS = 5
RECENT = timedelta(minutes=15)


def settings() -> Settings:
    return app_settings()


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
    import mailers

    config = settings()
    link = links.issue(
        session,
        current_app.extensions["ardesk.signer"],
        config.base_url,
        contact,
        scope,
        ttl=config.link_ttl,
        targets=targets,
        actor=actor,
    )
    mailers.queue_link_email(session, config, contact, link, purpose, language=contact.language)
    return True
