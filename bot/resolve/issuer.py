"""Issuing the links an answer carries, in the decision's transaction, for the contact on file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.context import ContactRef
from core import links
from core.answers import LinkRef
from core.models import Contact, LinkScope
from mailers.brand import DEFAULT_BRAND, Brand


@dataclass
class LinkIssuer:
    session: Session  # the privileged decision transaction
    signer: links.LinkSigner
    base_url: str
    ttl: timedelta
    now: datetime
    inbound_message_id: int | None
    dry_run: bool = False
    issued: list[dict[str, Any]] = field(default_factory=list)
    # The issuing legal entities, for answers that state documents (e-invoices' eligibility).
    brand: Brand = DEFAULT_BRAND
    # What a reply to an AP-automation inbox may carry attached, all files together.
    attachment_limit: int = 10 * 1024 * 1024
    carries_files: bool = False  # the request's channel can carry them (email)

    def issue(self, contact: ContactRef, scope: LinkScope, targets: dict[str, Any]) -> LinkRef:
        person = self.session.get(Contact, contact.contact_id)
        assert person is not None
        link = links.issue(
            self.session,
            self.signer,
            self.base_url,
            person,
            scope,
            ttl=self.ttl,
            targets=targets,
            inbound_message_id=self.inbound_message_id,
            actor="bot",
            now=self.now,
        )
        record = {
            "url": link.url,
            "scope": scope.value,
            "account": contact.account_erp_id,
            "invoice": targets.get("numbers", [None])[0] if scope is LinkScope.invoice else None,
            "targets": targets,
            "expires_at": link.expires_at.isoformat(),
        }
        if self.dry_run:
            record["dry_run"] = True
        self.issued.append(record)
        return LinkRef(link.url, link.expires_at, scope.value)
