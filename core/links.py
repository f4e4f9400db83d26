"""Signed, short-lived, revocable access links.

A link is a random id, signed and timestamped with itsdangerous, backed by an ``access_links`` row
that says what it opens (scope and targets), for whom (the contact), until when, how often, and
whether AR revoked it. The signature stops guessing and tampering; the row decides everything else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.audit import record
from core.errors import ArdeskError, InvalidInput
from core.models import AccessLink, Contact, LinkScope, utcnow
from core.sessions import end_all

# No link lives longer than this whatever its row says: a leaked database cannot mint old tokens
# into new life, and the signature alone bounds a token's age.
MAX_TTL = timedelta(days=31)
# The shortest lifetime ARDESK_LINK_TTL may give the links sent in replies: one that ran out
# before the mail carrying it was read would be no link at all.
MIN_TTL = timedelta(minutes=1)
_SALT = "ardesk.access-link.v1"


class LinkRefused(ArdeskError):
    """A link that cannot be used; ``reason`` is one of REASONS."""

    REASONS = ("tampered", "unknown", "expired", "revoked", "exhausted")

    def __init__(self, reason: str, link: AccessLink | None = None) -> None:
        super().__init__(f"link {reason}")
        self.reason = reason
        self.link = link


@dataclass(frozen=True)
class IssuedLink:
    id: str
    token: str
    url: str
    scope: LinkScope
    expires_at: datetime
    targets: dict[str, Any]


class LinkSigner:
    """Signs with ``secret_key``; verifies with it and with earlier keys (``fallbacks``), so a
    rotated key does not end the links already sent."""

    def __init__(self, secret_key: str, *fallbacks: str) -> None:
        # itsdangerous signs with the last key of the list and verifies with any of them.
        self._serializer = URLSafeTimedSerializer([*fallbacks[::-1], secret_key], salt=_SALT)

    def sign(self, link_id: str) -> str:
        return self._serializer.dumps(link_id)

    def unsign(self, token: str) -> str:
        """The link id inside ``token``; LinkRefused("tampered"/"expired") when it is not good."""
        try:
            link_id = self._serializer.loads(token, max_age=int(MAX_TTL.total_seconds()))
        except SignatureExpired:
            raise LinkRefused("expired") from None
        except BadSignature:
            raise LinkRefused("tampered") from None
        if not isinstance(link_id, str):
            raise LinkRefused("tampered")
        return link_id


def issue(
    session: Session,
    signer: LinkSigner,
    base_url: str,
    contact: Contact,
    scope: LinkScope,
    *,
    ttl: timedelta,
    targets: dict[str, Any] | None = None,
    max_uses: int | None = None,
    inbound_message_id: int | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> IssuedLink:
    if ttl <= timedelta(0) or ttl > MAX_TTL:
        raise InvalidInput(f"a link lives between a minute and {MAX_TTL.days} days")
    if scope is LinkScope.invoice and not (targets or {}).get("invoice_ids"):
        raise InvalidInput("an invoice link needs at least one invoice")
    now = now or utcnow()
    link = AccessLink(
        id=secrets.token_urlsafe(16),
        account_id=contact.account_id,
        contact_id=contact.id,
        scope=scope,
        targets=targets or {},
        created_at=now,
        expires_at=now + ttl,
        max_uses=max_uses,
        uses=0,
        inbound_message_id=inbound_message_id,
    )
    session.add(link)
    record(
        session,
        "link.issue",
        actor=actor,
        account_id=contact.account_id,
        contact_id=contact.id,
        link_id=link.id,
        target=f"{scope.value}",
        expires_at=link.expires_at.isoformat(),
        targets=link.targets,
        # The deflection funnel joins answers to opens and downloads through this, after the
        # link's row is purged.
        inbound_message_id=inbound_message_id,
    )
    session.flush()
    token = signer.sign(link.id)
    return IssuedLink(link.id, token, f"{base_url}/l/{token}", scope, link.expires_at, link.targets)


def check(
    session: Session, signer: LinkSigner, token: str, now: datetime | None = None
) -> AccessLink:
    """The usable link behind ``token``, without using it (a GET may look, never change)."""
    link_id = signer.unsign(token)
    link = session.get(AccessLink, link_id)
    if link is None:
        raise LinkRefused("unknown")
    now = now or utcnow()
    if link.revoked_at is not None:
        raise LinkRefused("revoked", link)
    if now >= link.expires_at:
        raise LinkRefused("expired", link)
    if link.max_uses is not None and link.uses >= link.max_uses:
        raise LinkRefused("exhausted", link)
    return link


def use(
    session: Session, signer: LinkSigner, token: str, now: datetime | None = None
) -> AccessLink:
    """Check the link and count one use, atomically: two racing uses cannot both pass the limit."""
    now = now or utcnow()
    link = check(session, signer, token, now)
    condition = [AccessLink.id == link.id]
    if link.max_uses is not None:
        condition.append(AccessLink.uses < link.max_uses)
    result = session.execute(
        update(AccessLink)
        .where(*condition)
        .values(uses=AccessLink.uses + 1, last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LinkRefused("exhausted", link)
    session.refresh(link)
    return link


def active_links(
    session: Session, *, contact_id: int | None = None, account_id: int | None = None
) -> list[AccessLink]:
    now = utcnow()
    query = select(AccessLink).where(AccessLink.revoked_at.is_(None), AccessLink.expires_at > now)
    if contact_id is not None:
        query = query.where(AccessLink.contact_id == contact_id)
    if account_id is not None:
        query = query.where(AccessLink.account_id == account_id)
    links = session.scalars(query.order_by(AccessLink.created_at)).all()
    return [link for link in links if link.max_uses is None or link.uses < link.max_uses]


def revoke(session: Session, links: list[AccessLink], *, by: str) -> int:
    """Revoke these links now, each revocation audited; returns how many were revoked."""
    now = utcnow()
    for link in links:
        if link.revoked_at is not None:
            continue
        link.revoked_at = now
        link.revoked_by = by
        record(
            session,
            "link.revoke",
            actor=by,
            account_id=link.account_id,
            contact_id=link.contact_id,
            link_id=link.id,
            target=link.scope.value,
        )
    session.flush()
    revoked = [link.id for link in links if link.revoked_at == now]
    # Sessions opened from these links end too (the next request of any cookie copy is refused).
    end_all(session, "revoked", link_ids=revoked, now=now)
    return len(revoked)


def purge_expired(session: Session, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete links that expired (or were revoked) more than ``older_than`` ago.

    The audit trail keeps their ids and what they opened; the rows themselves have no further use.
    """
    from sqlalchemy import delete, or_

    cutoff = (now or utcnow()) - older_than
    result = session.execute(
        delete(AccessLink)
        .where(or_(AccessLink.expires_at < cutoff, AccessLink.revoked_at < cutoff))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
