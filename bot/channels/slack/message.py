"""A Slack request as ardesk stores it: the few fields of an event or a slash command that the
pipeline needs, as JSON in the inbox (the platform's whole payload is never kept)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime

from bot.inbound import ChatOrigin, Inbound
from core.models import utcnow

# A slash command's words → the request they stand for, in the words the model understands.
_COMMANDS = {
    "balance": "what is our balance?",
    "statement": "please send our statement {rest}",
}


def command_text(text: str) -> str:
    """``/invoices 10423 10431`` asks for copies; ``/invoices statement last quarter`` for a
    statement; ``/invoices balance`` for the balance."""
    word, _, rest = text.strip().partition(" ")
    template = _COMMANDS.get(word.lower())
    if template is not None:
        return template.format(rest=rest.strip()).strip()
    return f"please send copies of invoices {text.strip()}"


@dataclass(frozen=True)
class SlackRequest:
    kind: str  # direct, mention, command
    installation: str  # the team the app is installed in (part of the dedupe key)
    actor_team: str | None  # the user's own team; None when Slack did not establish it
    channel: str
    user: str
    text: str
    ts: str | None = None  # the message's timestamp (messages)
    thread_ts: str | None = None
    trigger_id: str | None = None  # commands
    channel_team: str | None = None  # the team owning the channel, when shared
    from_bot: bool = False
    subtype: str | None = None

    @property
    def dedupe_key(self) -> str:
        # A mention arrives as app_mention and as message, with different event ids: the message
        # itself is the key. A command has no ts; its trigger id is unique.
        if self.kind == "command":
            return f"command:{self.trigger_id}"
        return f"{self.installation}:{self.channel}:{self.ts}"

    def to_json(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> SlackRequest:
        return cls(**json.loads(raw))

    def inbound(self, received_at: datetime | None = None) -> Inbound:
        return Inbound(
            channel="slack",
            dedupe_key=self.dedupe_key,
            sender=f"slack:{self.actor_team or '?'}/{self.user}",
            received_at=received_at or utcnow(),
            text=command_text(self.text) if self.kind == "command" else self.text,
            chat=ChatOrigin(
                workspace=self.actor_team,
                conversation=self.channel,
                user=self.user,
                kind=self.kind,
                thread=self.thread_ts or self.ts if self.kind == "mention" else None,
                conversation_workspace=self.channel_team,
                from_bot=self.from_bot,
                change=self.subtype if self.subtype in CHANGES else None,
            ),
            raw=self.to_json(),
        )


CHANGES = ("message_changed", "message_deleted")
