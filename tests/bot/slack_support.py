"""Slack as a customer uses it, for the scenarios: signed requests to ``/slack/events`` built
with slack_sdk's own signing code, the worker's passes, and the local Web API that records posts."""

from __future__ import annotations

import itertools
import json
import time
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.worker import Worker
from tests.bot.fake_slack import BOT_TOKEN, TEAM, FakeSlack
from web import create_app

SIGNING_SECRET = "test-signing-secret-0123456789"
_ts = itertools.count(1)


def slack_settings(settings, fake: FakeSlack):
    return settings.replace(
        slack_signing_secret=SIGNING_SECRET, slack_bot_token=BOT_TOKEN, slack_api_url=fake.url
    )


def signed(body: bytes, *, secret: str = SIGNING_SECRET, at: int | None = None) -> dict:
    timestamp = str(at if at is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def event(
    kind: str,
    *,
    user: str,
    channel: str,
    text: str,
    ts: str | None = None,
    user_team: str | None = None,
    **extra,
) -> dict:
    """An Events API envelope; ``user_team`` makes it an event in an externally shared channel."""
    body = {
        "token": "unused",
        "team_id": TEAM,
        "api_app_id": "AARDESK",
        "type": "event_callback",
        "event_id": f"Ev{next(_ts):08d}",
        "event_time": int(time.time()),
        "event": {
            "type": kind,
            "user": user,
            "channel": channel,
            "text": text,
            "ts": ts or f"{1_764_000_000 + next(_ts)}.000200",
            **({"channel_type": "im"} if channel.startswith("D") else {}),
            **extra,
        },
    }
    if user_team:
        body["is_ext_shared_channel"] = True
        body["event"]["user_team"] = user_team
        body["event"]["team"] = user_team
    return body


class SlackUser:
    """Posts to the app as Slack does; runs the worker as the ``worker`` process would."""

    def __init__(self, db, fake: FakeSlack):
        self.db, self.fake = db, fake
        self.client = create_app(db.settings).test_client()

    def send(self, body: dict, *, retry: int | None = None, secret: str = SIGNING_SECRET):
        data = json.dumps(body).encode()
        headers = {**signed(data, secret=secret), "Content-Type": "application/json"}
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.client.post("/slack/events", data=data, headers=headers)

    def command(self, text: str, *, user: str, channel: str, trigger: str | None = None):
        form = {
            "command": "/invoices",
            "text": text,
            "team_id": TEAM,
            "user_id": user,
            "channel_id": channel,
            "trigger_id": trigger or f"trigger.{next(_ts)}",
            "response_url": "https://hooks.slack.invalid/commands/1",
        }
        data = urlencode(form).encode()
        headers = {**signed(data), "Content-Type": "application/x-www-form-urlencoded"}
        return self.client.post("/slack/events", data=data, headers=headers)

    def work(self) -> None:
        Worker(self.db, self.db.settings).run_once(intake=False)
