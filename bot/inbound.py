"""The channel-neutral inbound message every channel adapter produces. Frozen: steps read it,
only the decision record is written."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime

# A NUL character is not one PostgreSQL's text can hold: from a mail's ``=00``, a raw byte in a
# header or a chat message's ``\u0000`` it would fail the message's storing. No reader needs it.
NUL, REPLACEMENT = "\x00", "\ufffd"


def _clean(value: str) -> str:
    return value.replace(NUL, REPLACEMENT) if NUL in value else value


@dataclass(frozen=True)
class Attachment:
    """Recorded by name, type and size only: attachments are never opened."""

    name: str
    content_type: str
    size: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _clean(self.name))
        object.__setattr__(self, "content_type", _clean(self.content_type))


@dataclass(frozen=True)
class ChatOrigin:
    """Where in a chat platform a request was made, as the guards, identity and replies need it.

    Plain strings for any platform: Slack's team / channel / user ids, Teams' tenant /
    conversation / AAD object ids."""

    workspace: str | None  # the user's own team or tenant; None when the platform did not say
    conversation: str  # channel, DM or conversation id
    user: str
    kind: str  # direct (a DM), mention (in a channel), command (a slash command)
    thread: str | None = None  # the message to answer in the thread of
    conversation_workspace: str | None = None  # the team owning the channel (Slack Connect)
    from_bot: bool = False
    change: str | None = None  # an edit or deletion (message_changed …): never answered
    service_url: str | None = None  # where the platform takes the answer (Teams)


@dataclass(frozen=True)
class Inbound:
    channel: str  # email, slack, teams
    dedupe_key: str  # Message-ID, chat event id, or a hash of the raw message
    sender: str  # the address (lower-case), or "slack:TEAM/USER" for chat
    received_at: datetime
    subject: str = ""
    text: str = ""  # the body as text (HTML converted)
    sender_name: str = ""
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    # Only the headers the guards and verification read, names lower-case, every occurrence.
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    is_delivery_report: bool = False
    parse_problem: str | None = None  # set when the raw message could only be partly read
    # Set when the sender cannot be told for certain (several From addresses, a group, an
    # address that does not parse): such a sender is never taken as verified.
    sender_problem: str | None = None
    chat: ChatOrigin | None = None  # set for chat requests, never for email
    raw: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        """Every text without NUL characters (replaced by U+FFFD, see ``NUL``)."""
        for each in fields(self):  # every text field, a future one too
            value = getattr(self, each.name)
            if isinstance(value, str) and NUL in value:
                object.__setattr__(self, each.name, _clean(value))
        if any(NUL in reference for reference in self.references):
            object.__setattr__(self, "references", tuple(map(_clean, self.references)))
        if any(NUL in name or NUL in "".join(values) for name, values in self.headers.items()):
            cleaned = {_clean(k): tuple(map(_clean, v)) for k, v in self.headers.items()}
            object.__setattr__(self, "headers", cleaned)
        chat = vars(self.chat) if self.chat is not None else {}
        if any(isinstance(value, str) and NUL in value for value in chat.values()):
            texts = {k: _clean(v) for k, v in chat.items() if isinstance(v, str)}
            object.__setattr__(self, "chat", replace(self.chat, **texts))

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def header_values(self, name: str) -> tuple[str, ...]:
        return self.headers.get(name.lower(), ())
