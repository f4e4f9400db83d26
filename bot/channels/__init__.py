"""Channels: email, Slack, Teams (and a fake one for tests) behind one typed interface.

A channel only converts: a platform's raw request into the frozen ``Inbound``, channel-neutral
answers into what the platform shows (an ``OutboxEntry``), an outbox row into a platform call.
The pipeline and the outbox ask the registry for ``channel_for(inbound.channel)`` and never
name a channel; a new channel is one package and one line in ``_BUILT_IN``.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.inbound import Inbound
from core.answers import Reply
from core.config import Settings

if TYPE_CHECKING:
    from bot.context import ContactRef, Context
    from core.models import OutboundMessage

# Delivers one outbox row; raises mailers' Transient/PermanentDeliveryError on failure.
Send = Callable[["OutboundMessage"], None]


@dataclass(frozen=True)
class OutboxEntry:
    """One rendered message, ready for the outbox (and, without its payload, the record)."""

    channel: str
    kind: str  # reply, handoff, help
    recipient: str  # where the channel delivers: an address, or a chat destination
    subject: str
    text: str  # what the recipient reads, as plain text
    payload: bytes  # the channel's wire format: MIME, or a chat API call as JSON
    account_id: int | None
    account: str | None  # the account's ERP id
    language: str


class Channel(ABC):
    """One channel. Implementations are stateless apart from their settings-bound clients."""

    name: str
    # Whether AR hears of a request from someone on no customer's file. Email: yes, anyone may
    # write to AR's address and they want to see it. Chat: only from someone whose address is
    # at a customer's domain (``identify`` sets ``ctx.domain_account``); anyone else in a
    # workspace the bot is in gets the channel's help message (``unanswered``) and nothing else.
    strangers_to_ar: bool = True
    # Whether a reply can carry files: an AP-automation inbox gets its documents attached only
    # where they can go along (email); elsewhere it gets links like anyone.
    carries_files: bool = False

    @abstractmethod
    def parse(self, raw: bytes, received_at: datetime | None = None) -> Inbound:
        """The stored raw request as the channel-neutral inbound message."""

    @abstractmethod
    def identify(self, ctx: Context) -> None:
        """Who is asking: set ``ctx.contacts``, ``ctx.status`` and ``ctx.verification``."""

    @abstractmethod
    def reply(
        self, ctx: Context, reply: Reply, *, contact: ContactRef | None, account_id: int
    ) -> OutboxEntry:
        """One account's answers rendered for the requester (returns an ``OutboxEntry``)."""

    def unanswered(self, ctx: Context) -> OutboxEntry | None:
        """What the requester is told when ardesk does not answer (email: nothing at all)."""
        return None

    def original(self, inbound: Inbound) -> bytes | None:
        """The original attached to a hand-off to AR, when it is an email AR can open."""
        return None

    @abstractmethod
    def transport(self, settings: Settings) -> Send:
        """Delivers this channel's outbox rows."""


# name → "module:class"; imported on first use, so email alone needs no chat libraries.
_BUILT_IN = {
    "email": "bot.channels.email.channel:EmailChannel",
    "slack": "bot.channels.slack.channel:SlackChannel",
    "teams": "bot.channels.teams.channel:TeamsChannel",
}
_LOADED: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    """Add (or replace) a channel: the fake one in tests, a third platform's package."""
    _LOADED[channel.name] = channel


def channel_for(name: str) -> Channel:
    if name not in _LOADED:
        if name not in _BUILT_IN:
            raise LookupError(f"no channel named {name!r}")
        module, _, attribute = _BUILT_IN[name].partition(":")
        register(getattr(importlib.import_module(module), attribute)())
    return _LOADED[name]


def dispatch(settings: Settings) -> Send:
    """The outbox's sender: each row goes to its own channel's transport (made once, on use)."""
    transports: dict[str, Send] = {}

    def send(row: OutboundMessage) -> None:
        if row.channel not in transports:
            transports[row.channel] = channel_for(row.channel).transport(settings)
        transports[row.channel](row)

    return send
