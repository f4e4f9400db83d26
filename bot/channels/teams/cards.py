"""Teams replies: an Adaptive Card built from the same sections as email, an ``Action.OpenUrl``
button for every link.

A personal chat is answered in place. In a group chat or a channel everyone would read the
answer, so it goes to a new one-to-one conversation with the asker instead (Teams has no
messages only one member sees)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from bot.channels.chat import plain_text
from bot.channels.teams.activity import TeamsRequest
from mailers.blocks import Action, ItemList, Paragraph, Section, Table

CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class TeamsPost:
    """One reply, stored in the outbox as its JSON."""

    service_url: str
    conversation: str  # where it was asked
    reply_to: str  # the activity answered
    user: str  # the asker's Teams user id
    tenant: str | None
    bot: str
    private: bool  # asked where others read along: answer one-to-one
    text: str
    card: dict[str, Any]

    def activity(self) -> dict[str, Any]:
        return {
            "type": "message",
            "text": self.text,
            "textFormat": "plain",
            "attachments": [{"contentType": CARD, "content": self.card}],
        }

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> TeamsPost:
        return cls(**json.loads(raw))


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _open(label: str, url: str) -> dict[str, Any]:
    return {"type": "Action.OpenUrl", "title": label, "url": url}


def card(sections: list[Section]) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    for section in sections:
        if section.heading:
            body.append(_text(section.heading, weight="Bolder", size="Medium"))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                body.append(_text(block.text.strip("*")))
            elif isinstance(block, ItemList):
                for item in block.items:
                    body.append(_text(item.title, weight="Bolder"))
                    body += [_text(detail, spacing="None") for detail in item.details]
                    if item.url:
                        label = item.url_label or item.title
                        body.append({"type": "ActionSet", "actions": [_open(label, item.url)]})
            elif isinstance(block, Table):
                facts = [{"title": label, "value": value} for label, value in block.rows]
                body += [_text(block.caption, weight="Bolder"), {"type": "FactSet", "facts": facts}]
            elif isinstance(block, Action):
                body.append({"type": "ActionSet", "actions": [_open(block.label, block.url)]})
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": body,
    }


def post(request: TeamsRequest, sections: list[Section]) -> TeamsPost:
    return TeamsPost(
        service_url=request.service_url,
        conversation=request.conversation,
        reply_to=request.activity_id,
        user=request.user,
        tenant=request.tenant,
        bot=request.bot,
        private=request.conversation_type != "personal",
        text=plain_text(sections),
        card=card(sections),
    )
