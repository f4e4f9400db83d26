"""Slack on the channel interface."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.channels import Channel, OutboxEntry, Send
from bot.channels.chat import HELP, Directory, chat_entry, identify_chat, reply_sections
from bot.channels.slack.blocks import SlackPost, post
from bot.channels.slack.events import web_client
from bot.channels.slack.message import SlackRequest
from bot.context import ContactRef, Context
from bot.inbound import Inbound
from core.answers import Reply
from core.config import Settings
from core.models import ChatPlace, Contact
from mailers.blocks import Paragraph, Section
from mailers.smtp import PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger(__name__)

DIRECTORY = Directory(
    Contact.slack_team_id, Contact.slack_user_id, ChatPlace.slack_team, ChatPlace.slack_channel
)
# Web API errors that will not go away by trying again: AR is told instead.
PERMANENT = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "user_not_in_channel",
    "invalid_blocks",
    "msg_too_long",
}


class SlackChannel(Channel):
    name = "slack"
    strangers_to_ar = False  # only strangers at a customer's domain: bot.channels

    def parse(self, raw: bytes, received_at: datetime | None = None) -> Inbound:
        return SlackRequest.from_json(raw).inbound(received_at)

    def identify(self, ctx: Context) -> None:
        chat = ctx.inbound.chat
        assert chat is not None

        def lookup_email() -> str | None:
            # users.info needs the users:read.email scope; a failure means "not known".
            try:
                user = web_client(ctx.settings).users_info(user=chat.user)["user"]
                email = user["profile"].get("email")
            except (SlackApiError, SlackRequestError, KeyError, TypeError, AttributeError) as error:
                log.warning("users.info failed: %s", type(error).__name__)
                return None
            # Only an address Slack has confirmed names its owner: one a workspace admin typed in
            # (or one not yet confirmed) could be anyone's. A bot or a deactivated user is no one.
            confirmed = user.get("is_email_confirmed") is True
            return email if confirmed and not (user.get("deleted") or user.get("is_bot")) else None

        identify_chat(ctx, DIRECTORY, lookup_email)

    def _entry(self, ctx: Context, slack: SlackPost, *, kind, account_id, account, language):
        chat = ctx.inbound.chat
        return chat_entry(
            self.name, f"slack:{chat.conversation}/{chat.user}", slack.text, slack.to_json(),
            kind=kind, account_id=account_id, account=account, language=language,
        )  # fmt: skip

    def reply(
        self, ctx: Context, reply: Reply, *, contact: ContactRef | None, account_id: int
    ) -> OutboxEntry:
        slack = post(ctx.inbound.chat, reply_sections(ctx, reply))
        return self._entry(
            ctx,
            slack,
            kind="reply",
            account_id=account_id,
            account=contact.account_erp_id if contact else None,
            language=reply.language,
        )

    def unanswered(self, ctx: Context) -> OutboxEntry | None:
        chat = ctx.inbound.chat
        if chat is None or chat.from_bot or chat.change or ctx.contacts:
            return None  # contacts hear from AR; bots and edits hear nothing
        sections = [Section(None, (Paragraph(HELP),))]
        return self._entry(
            ctx, post(chat, sections), kind="help", account_id=None, account=None, language="en"
        )

    def transport(self, settings: Settings) -> Send:
        client = web_client(settings)

        def send(row) -> None:
            slack = SlackPost.from_json(row.payload)
            try:
                client.api_call(slack.method, json=slack.arguments())
            except SlackApiError as error:
                code = str(error.response.get("error", ""))
                status = error.response.status_code
                if code in PERMANENT:
                    raise PermanentDeliveryError(status, f"Slack refused: {code}") from None
                raise TransientDeliveryError(status, f"Slack: {code or 'no answer'}") from None
            except (SlackRequestError, OSError) as error:
                why = f"Slack unreachable: {type(error).__name__}"
                raise TransientDeliveryError(None, why) from None

        return send
