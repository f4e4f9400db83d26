"""A stored message shown to AR as text, never rendered as HTML, so nothing in it runs.

The bot's own reading of the message is reused (``bot.channels.channel_for(…).parse``: an HTML-only
email is converted to text there); the page shows that text escaped, so scripts, tracking
images and forms in the original stay inert characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.channels import channel_for

MAX_CHARS = 200_000
SHOWN_HEADERS = ("reply-to", "authentication-results", "auto-submitted", "list-id")


@dataclass(frozen=True)
class Readable:
    text: str
    headers: list[tuple[str, str]]
    attachments: list[str]
    problem: str | None


def readable(channel: str, raw: bytes, received_at: datetime) -> Readable:
    try:
        inbound = channel_for(channel).parse(raw, received_at)
    except Exception:  # a message the bot could not read either: show its bytes as text
        return Readable(raw.decode("utf-8", errors="replace")[:MAX_CHARS], [], [], "unreadable")
    return Readable(
        text=inbound.text[:MAX_CHARS],
        headers=[
            ("from", f"{inbound.sender_name} <{inbound.sender}>".strip()),
            ("message-id", inbound.message_id or ""),
            ("in-reply-to", inbound.in_reply_to or ""),
            *((name, value) for name in SHOWN_HEADERS for value in inbound.header_values(name)),
        ],
        attachments=[f"{a.name} ({a.content_type}, {a.size} bytes)" for a in inbound.attachments],
        problem=inbound.parse_problem,
    )
