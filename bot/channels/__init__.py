"""Channel adapters: they only convert between a channel's wire format and ardesk's own values.

A channel renders replies and hand-offs into outbox entries: ``{"channel", "to", "subject",
"text", "payload" (bytes), "account_id", "account", "language", "kind"}``.
"""

from __future__ import annotations

from typing import Any, Protocol

from core.answers import Reply


class ReplyRenderer(Protocol):
    def reply(self, ctx: Any, reply: Reply, *, recipient: str, account_id: int) -> dict: ...

    def handoff(self, ctx: Any) -> dict: ...


def renderer_for(channel: str) -> ReplyRenderer:
    if channel == "email":
        from bot.channels.email import render

        return render
    raise LookupError(f"no renderer for channel {channel!r}")
