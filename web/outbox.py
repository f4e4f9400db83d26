"""The portal's way to email a link: the app's settings and signer, then ``mailers.link_email``."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from core.models import Contact, LinkScope
from mailers.link_email import Purpose
from mailers.link_email import email_link as _email_link
from web.extensions import app_settings


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
    signer = current_app.extensions["ardesk.signer"]
    return _email_link(
        session, app_settings(), signer, contact, scope, purpose, targets=targets, actor=actor
    )
