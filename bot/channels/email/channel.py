"""Email on the channel interface: RFC 5322 in, MIME out, SMTP delivery."""

from __future__ import annotations

from datetime import datetime

from bot.channels import Channel, OutboxEntry, Send
from bot.channels.email import render
from bot.channels.email.parse import parse_email
from bot.context import ContactRef, Context
from bot.identify import identify
from bot.inbound import Inbound
from core.answers import Reply
from core.config import Settings


class EmailChannel(Channel):
    name = "email"
    carries_files = True

    def parse(self, raw: bytes, received_at: datetime | None = None) -> Inbound:
        return parse_email(raw, received_at)

    def identify(self, ctx: Context) -> None:
        identify(ctx)

    def reply(
        self, ctx: Context, reply: Reply, *, contact: ContactRef | None, account_id: int
    ) -> OutboxEntry:
        return render.reply(ctx, reply, contact=contact, account_id=account_id)

    def original(self, inbound: Inbound) -> bytes | None:
        return inbound.raw or None

    def transport(self, settings: Settings) -> Send:
        from mailers.smtp import SmtpTransport

        smtp = SmtpTransport.from_settings(settings)

        def send(row) -> None:
            smtp.send(row.payload, row.recipient)

        return send
