"""Removing a message's text while keeping what happened to it: shared by retention (by age) and
by forgetting a person (by address).

A redacted inbound message keeps its channel, dedupe key (so a late copy is still recognised and
not answered twice), times, state, contact and account, and a decision record without texts: the
intents, invoice numbers, guards, action and answers stay, the request's new text, the replies'
subjects and texts, the links' URLs (they hold tokens) and the attachments' names go. A redacted
outbound message keeps its recipient, state and times, without subject or payload. Corrections
and hand-off notes of the message lose their texts; who wrote them and when stay. Each message
is marked ``redacted_at``, so a second pass finds nothing to do.

``Scrub`` adds what forgetting needs beyond that: the person's address and name replaced by a
pseudonym wherever they remain (sender, recipient, decision record, error texts).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.models import Correction, Handoff, HandoffNote, InboundMessage, OutboundMessage

# The address left where a forgotten person's stood (RFC 2606 reserves ``.invalid``).
FORGOTTEN_DOMAIN = "forgotten.invalid"
FORGOTTEN_ADDRESS = f"forgotten@{FORGOTTEN_DOMAIN}"


@dataclass(frozen=True)
class Scrub:
    """A forgotten person: what of them is replaced, and by what."""

    address: str  # normalised (lower-case)
    names: tuple[str, ...] = ()  # the contacts' names as they were
    replacement: str = FORGOTTEN_ADDRESS

    def text(self, value: str) -> str:
        value = re.sub(re.escape(self.address), self.replacement, value, flags=re.IGNORECASE)
        for name in self.names:
            if name:
                value = value.replace(name, "forgotten contact")
        return value

    def value(self, value: Any) -> Any:
        """``value`` with every string in it scrubbed (JSON: dicts, lists, strings)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value


@dataclass
class Redacted:
    """What one pass removed, by kind (the counts `ardesk retention run` reports)."""

    inbound_messages: int = 0
    outbound_messages: int = 0
    corrections: int = 0
    handoff_notes: int = 0
    handoff_reasons: int = 0

    def add(self, other: Redacted) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def total(self) -> int:
        return sum(getattr(self, name) for name in self.__dataclass_fields__)


def redact_decision(decision: dict[str, Any] | None) -> dict[str, Any] | None:
    """The decision record without the request's text, the replies' texts and the link URLs."""
    if not isinstance(decision, dict):
        return decision
    record = copy.deepcopy(decision)
    understanding = record.get("understanding")
    if isinstance(understanding, dict) and "new_text" in understanding:
        understanding["new_text"] = ""
    for reply in [record.get("reply"), *(record.get("replies") or [])]:
        if isinstance(reply, dict):
            reply["subject"] = ""
            reply["text"] = ""
    for link in record.get("links") or []:
        if isinstance(link, dict):
            link["url"] = ""
    for attachment in record.get("attachments") or []:
        if isinstance(attachment, dict):
            attachment["name"] = ""
    record["redacted"] = True
    return record


def redact_inbound(
    session: Session, ids: list[int], now: datetime, scrub: Scrub | None = None
) -> Redacted:
    """Redact these inbound messages and what AR wrote about them, in the caller's transaction."""
    done = Redacted()
    if not ids:
        return done
    rows = session.scalars(select(InboundMessage).where(InboundMessage.id.in_(ids))).all()
    for row in rows:
        if row.redacted_at is None:
            done.inbound_messages += 1
        row.raw = b""
        row.subject = ""
        row.decision = redact_decision(row.decision)
        row.redacted_at = row.redacted_at or now
        if scrub is not None:
            row.sender = scrub.text(row.sender)[:320]
            row.decision = scrub.value(row.decision)
            row.error = scrub.text(row.error) if row.error else row.error
            if scrub.address in row.dedupe_key.lower():
                # The key only has to stay unique and stable; its hash is both.
                row.dedupe_key = "forgotten:" + hashlib.sha256(row.dedupe_key.encode()).hexdigest()
    done.corrections = _blank(
        session,
        update(Correction)
        .where(Correction.inbound_message_id.in_(ids))
        .where((Correction.text != "") | (Correction.subject != ""))
        .values(text="", subject=""),
    )
    done.handoff_notes = _blank(
        session,
        update(HandoffNote)
        .where(HandoffNote.inbound_message_id.in_(ids), HandoffNote.text != "")
        .values(text=""),
    )
    done.handoff_reasons = _blank(
        session,
        update(Handoff)
        .where(Handoff.inbound_message_id.in_(ids), func.coalesce(Handoff.reason, "") != "")
        .values(reason=""),
    )
    session.flush()
    return done


def redact_outbound(
    session: Session, ids: Iterable[int], now: datetime, scrub: Scrub | None = None
) -> int:
    """Redact these outbound messages (subject and payload); returns how many had text."""
    ids = list(ids)
    if not ids:
        return 0
    count = 0
    for row in session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids))):
        if row.redacted_at is None:
            count += 1
        row.subject = ""
        row.payload = b""
        row.redacted_at = row.redacted_at or now
        if scrub is not None:
            row.recipient = scrub.text(row.recipient)[:320]
            row.last_error = scrub.text(row.last_error) if row.last_error else row.last_error
    session.flush()
    return count


def _blank(session: Session, statement) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0
