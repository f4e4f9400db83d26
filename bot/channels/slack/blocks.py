"""Slack replies: Block Kit built from the same sections as email, link buttons for every link,
and a destination that shows the requester's data to the requester alone.

A slash command is answered ephemerally where it was typed; a mention in a channel ephemerally
in its thread (others in a shared channel never see a balance); a direct message in the DM.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.channels.chat import plain_text
from bot.inbound import ChatOrigin
from mailers.blocks import Action, ItemList, Paragraph, Section, Table

MAX_BLOCKS = 50  # Slack refuses a message with more
MAX_TEXT = 3000  # characters in one section's text


@dataclass(frozen=True)
class SlackPost:
    """One Web API call, stored in the outbox as its JSON."""

    method: str  # chat.postMessage or chat.postEphemeral
    channel: str
    text: str
    blocks: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    user: str | None = None  # ephemeral: who sees it
    thread_ts: str | None = None

    def arguments(self) -> dict[str, Any]:
        args = {k: v for k, v in asdict(self).items() if v is not None and k != "method"}
        args["blocks"] = list(self.blocks)
        return args

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> SlackPost:
        values = json.loads(raw)
        return cls(**{**values, "blocks": tuple(values.get("blocks") or ())})


def _text(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:MAX_TEXT]}


def _button(label: str, url: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": label[:75]}, "url": url}


def blocks(sections: list[Section]) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for section in sections:
        if section.heading:
            out.append({"type": "section", "text": _text(f"*{section.heading}*")})
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append({"type": "section", "text": _text(block.text)})
            elif isinstance(block, ItemList):
                for item in block.items:
                    entry = {
                        "type": "section",
                        "text": _text("\n".join((f"*{item.title}*", *item.details))),
                    }
                    if item.url:
                        entry["accessory"] = _button(item.url_label or item.title, item.url)
                    out.append(entry)
            elif isinstance(block, Table):
                rows = "\n".join(f"{label}: *{value}*" for label, value in block.rows)
                out.append({"type": "section", "text": _text(f"{block.caption}\n{rows}")})
            elif isinstance(block, Action):
                out.append({"type": "actions", "elements": [_button(block.label, block.url)]})
    return tuple(out[:MAX_BLOCKS])


def post(chat: ChatOrigin, sections: list[Section]) -> SlackPost:
    text = plain_text(sections)
    if chat.kind == "direct":
        return SlackPost("chat.postMessage", chat.conversation, text, blocks(sections))
    return SlackPost(
        "chat.postEphemeral",
        chat.conversation,
        text,
        blocks(sections),
        user=chat.user,
        thread_ts=chat.thread if chat.kind == "mention" else None,
    )
