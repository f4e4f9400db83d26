"""What flows through the pipeline: the frozen inbound message, what each step learned, and the
decision record each step writes into (what the AR console shows and the tests assert on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.inbound import Inbound
from core.answers import Answer
from core.config import Settings
from core.db import Database
from intents import LANGUAGES

if TYPE_CHECKING:
    from bot.channels import OutboxEntry


class Action(StrEnum):
    reply = "reply"  # the sender gets an answer from ardesk
    handoff = "handoff"  # AR answers instead
    ignore = "ignore"  # nobody answers (auto-replies, bounces, loops)


class SenderStatus(StrEnum):
    verified = "verified"
    unverified = "unverified"
    unknown = "unknown"


@dataclass(frozen=True)
class ContactRef:
    """A contact the sender was identified as; plain values, safe to keep after the session."""

    contact_id: int
    email: str
    name: str
    account_id: int
    account_erp_id: str
    account_name: str
    role: str
    language: str | None
    permissions: frozenset[str]


@dataclass
class Context:
    inbound: Inbound
    settings: Settings
    db: Database
    now: datetime
    dry_run: bool = False
    status: SenderStatus = SenderStatus.unknown
    contacts: tuple[ContactRef, ...] = ()
    verification: str = ""  # how the sender was (not) verified, for the record
    domain_account: tuple[int, str] | None = None  # (account id, domain) for unknown senders
    understanding: Any = None  # intents.Understanding
    guards: list[dict[str, str]] = field(default_factory=list)
    action: Action | None = None  # set by the step that decides; None while undecided
    handoff: bool = False
    handoff_reason: str | None = None
    attached_to: int | None = None  # the open hand-off this follow-up joins (``bot.thread``)
    answers: dict[int, list[Answer]] = field(default_factory=dict)  # by account id
    rendered: list[OutboxEntry] = field(default_factory=list)  # replies ready for the outbox
    stopped: bool = False
    memo: dict[str, Any] = field(default_factory=dict)  # facts two rules share, read once

    def stop(self, action: Action, *, handoff: bool | None = None, reason: str | None = None):
        self.action = action
        if handoff is not None:
            self.handoff = handoff
        if reason:
            self.handoff_reason = self.handoff_reason or reason
        self.stopped = True

    def hand_off(self, reason: str) -> None:
        """AR gets the request as well (the sender may still get a reply)."""
        self.handoff = True
        self.handoff_reason = self.handoff_reason or reason


def pick_language(understood: str | None, preferred: str | None) -> str:
    """The language the message was written in, else the contact's, else English."""
    if understood in LANGUAGES:
        return understood
    if preferred in LANGUAGES:
        return preferred
    return "en"
