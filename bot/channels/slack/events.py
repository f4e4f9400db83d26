"""The bolt app: verifies Slack's signature (bolt's middleware), turns an event or a command into
a stored request and acknowledges. Nothing is decided here: Slack wants an answer within three
seconds, so the worker decides and its outbox posts the reply.

Slack retries an event it thinks went unanswered; the inbox's uniqueness on the message (or the
command's trigger id) makes a retry, or a mention arriving both as ``app_mention`` and as
``message``, a no-op.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.context import BoltContext
from slack_sdk import WebClient

from bot.channels.chat import HELP
from bot.channels.slack.message import SlackRequest
from bot.store import store
from core import logs
from core.config import Settings
from core.db import Database

log = logging.getLogger(__name__)

COMMAND = "/invoices"
_MENTION = re.compile(r"<@[UW][A-Z0-9]+>")


def web_client(settings: Settings) -> WebClient:
    return WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)


def slack_app(db: Database, settings: Settings) -> App:
    if not (settings.slack_signing_secret and settings.slack_bot_token):
        raise LookupError("Slack is not configured (ARDESK_SLACK_SIGNING_SECRET, _BOT_TOKEN)")
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=web_client(settings),
        # The listeners only store: acknowledging after them means "acked" is "stored".
        process_before_response=True,
        token_verification_enabled=False,
        logger=log,
    )

    def keep(request: SlackRequest) -> None:
        # Over HTTP the web bound this request's id; over Socket Mode each event gets its own.
        with logs.bound(request_id=logs.request_id() or logs.new_request_id()):
            store(db, request.inbound())  # a copy already stored (a retry) is not stored again

    def message(kind: str, event: dict, context: BoltContext) -> SlackRequest:
        return SlackRequest(
            kind=kind,
            installation=context.team_id or "",
            actor_team=context.actor_team_id,
            channel=event.get("channel", ""),
            user=event.get("user", ""),
            text=_MENTION.sub("", event.get("text", "")).strip(),
            ts=event.get("ts"),
            thread_ts=event.get("thread_ts"),
            channel_team=event.get("team") if event.get("user_team") else None,
            from_bot=bool(event.get("bot_id")) or event.get("subtype") == "bot_message",
            subtype=event.get("subtype"),
        )

    @app.event("app_mention")
    def mention(event: dict, context: BoltContext) -> None:
        keep(message("mention", event, context))

    @app.event("message")
    def direct(event: dict, context: BoltContext) -> None:
        # Channel messages reach ardesk only as mentions; direct messages come as "message".
        if event.get("channel_type") == "im":
            keep(message("direct", event, context))

    @app.command(COMMAND)
    def command(ack: Callable, command: dict, context: BoltContext) -> None:
        text = command.get("text", "").strip()
        if text.lower() in ("", "help"):
            ack(text=HELP)  # a command's acknowledgement is seen by the user alone
            return
        keep(
            SlackRequest(
                kind="command",
                installation=context.team_id or "",
                actor_team=context.actor_team_id,
                channel=command.get("channel_id", ""),
                user=command.get("user_id", ""),
                text=text,
                trigger_id=command.get("trigger_id"),
            )
        )
        ack(text="One moment, I'm looking that up.")

    return app
