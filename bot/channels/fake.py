"""A channel that lives in memory, for tests: requests are JSON ``{"id", "sender", "text"}``
from an address, replies are kept in ``delivered`` in the order the outbox sent them.

It goes through everything a real channel does (the inbox, the pipeline, the outbox, the
registry), so a test of the pipeline's behaviour need not know any platform's wire format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.channels import Channel, OutboxEntry, Send
from bot.channels.chat import plain_text, reply_sections
from bot.context import ContactRef, Context
from bot.identify import identify
from bot.inbound import Inbound
from core.answers import Reply
from core.config import Settings
from core.models import utcnow


@dataclass(frozen=True)
class Delivered:
    recipient: str
    text: str


class FakeChannel(Channel):
    name = "fake"

    def __init__(self) -> None:
        self.delivered: list[Delivered] = []

    @staticmethod
    def request(message_id: str, sender: str, text: str) -> bytes:
        return json.dumps({"id": message_id, "sender": sender, "text": text}).encode()

    def parse(self, raw: bytes, received_at: datetime | None = None) -> Inbound:
        values = json.loads(raw)
        return Inbound(
            channel=self.name,
            dedupe_key=values["id"],
            sender=values["sender"].lower(),
            received_at=received_at or utcnow(),
            text=values["text"],
            raw=raw,
        )

    def identify(self, ctx: Context) -> None:
        identify(ctx)  # by address, as email without Authentication-Results

    def reply(
        self, ctx: Context, reply: Reply, *, contact: ContactRef | None, account_id: int
    ) -> OutboxEntry:
        text = plain_text(reply_sections(ctx, reply))
        recipient = contact.email if contact else ctx.inbound.sender
        return OutboxEntry(
            channel=self.name,
            kind="reply",
            recipient=recipient,
            subject="",
            text=text,
            payload=text.encode(),
            account_id=account_id,
            account=contact.account_erp_id if contact else None,
            language=reply.language,
        )

    def transport(self, settings: Settings) -> Send:
        def send(row) -> None:
            self.delivered.append(Delivered(row.recipient, row.payload.decode()))

        return send
