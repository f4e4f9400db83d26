"""``/slack/events`` is Slack's door: absent until Slack is configured, open to Slack's signed
requests without a CSRF token, shut to everything unsigned."""

from __future__ import annotations

import json

from tests.bot.slack_support import SIGNING_SECRET, signed
from web import create_app


def _app(db, **slack):
    return create_app(db.settings.replace(**slack)).test_client()


def test_it_does_not_exist_while_slack_is_not_configured(db):
    client = _app(db)
    assert client.post("/slack/events", data=b"{}").status_code == 404


def test_it_answers_slacks_url_verification_challenge(db):
    client = _app(db, slack_signing_secret=SIGNING_SECRET, slack_bot_token="xoxb-test")
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}).encode()
    response = client.post(
        "/slack/events", data=body, headers={**signed(body), "Content-Type": "application/json"}
    )
    assert response.status_code == 200 and "c-123" in response.get_data(as_text=True)


def test_it_refuses_an_unsigned_request(db):
    client = _app(db, slack_signing_secret=SIGNING_SECRET, slack_bot_token="xoxb-test")
    body = json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    response = client.post("/slack/events", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_it_refuses_a_timestamp_that_is_not_a_number_without_failing(db):
    """A request whose timestamp is not a number is refused like any unsigned one, not a 500."""
    client = _app(db, slack_signing_secret=SIGNING_SECRET, slack_bot_token="xoxb-test")
    body = json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    for timestamp in ("soon", "1.5e9", "", " "):
        headers = {**signed(body), "Content-Type": "application/json"}
        headers["X-Slack-Request-Timestamp"] = timestamp
        assert client.post("/slack/events", data=body, headers=headers).status_code == 401
