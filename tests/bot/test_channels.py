"""One pipeline for every channel: the fake channel goes through the registry, the inbox, the
pipeline and the outbox like a real one; email, Slack and the fake give the same answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.channels import channel_for, register
from bot.channels.fake import FakeChannel
from bot.process import process
from bot.store import claim_one, store
from bot.worker import Worker
from tests.bot.conftest import eml
from tests.bot.fake_slack import FakeSlack
from tests.bot.slack_support import SlackUser, event, slack_settings
from tests.bot.support import handle
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture
def fake_channel() -> FakeChannel:
    channel = FakeChannel()
    register(channel)
    return channel


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server


def _process(db, channel: FakeChannel, message_id: str, sender: str, text: str) -> dict:
    stored, created = store(db, channel.parse(channel.request(message_id, sender, text)))
    assert created
    # Decided in this process, where the test registered the fake channel (a worker decides in
    # a child process of its own, which knows the channels its code registers).
    assert claim_one(db, stored)
    process(db, db.settings, stored)
    Worker(db, db.settings).deliver()
    from core.models import InboundMessage

    with db.admin_session() as s:
        return s.get(InboundMessage, stored).decision


def _comparable(decision: dict) -> dict:
    """What a customer is told, without what differs by nature: link tokens and expiry."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("url", "expires_at")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {
        "answers": strip(decision["answers"]),
        "links": [(link["scope"], link.get("invoice")) for link in decision["links"]],
        "accounts": decision["sender"]["accounts"],
    }


def test_the_fake_channel_is_answered_through_the_whole_pipeline(world, fake_channel, smtp):
    world.settings = world.settings.replace(smtp_url=smtp.url)
    decision = _process(
        world, fake_channel, "f-1", "Karen.Whitlock@brookfield.example", "copy of invoice INV-10423"
    )
    assert decision["channel"] == "fake" and decision["action"] == "reply"
    [delivered] = fake_channel.delivered
    assert delivered.recipient == "karen.whitlock@brookfield.example"
    assert "INV-10423" in delivered.text and decision["links"][0]["url"] in delivered.text
    assert channel_for("fake") is fake_channel


def test_the_same_request_gets_the_same_answers_by_email_slack_and_the_fake(
    world, fake_channel, smtp
):
    with FakeSlack(
        users={"UKAREN": "karen.whitlock@brookfield.example"}, members={"DKAREN": {"UKAREN"}}
    ) as slack_api:
        world.settings = slack_settings(world.settings, slack_api).replace(smtp_url=smtp.url)
        by_email = handle(world, eml("outlook_invoice_copy_en.eml"))
        text = "Could you send me a copy of invoice INV-10423 please?"
        by_fake = _process(world, fake_channel, "f-2", "karen.whitlock@brookfield.example", text)
        slack = SlackUser(world, slack_api)
        slack.send(event("message", user="UKAREN", channel="DKAREN", text=text))
        slack.work()
        from core.models import InboundMessage

        with world.admin_session() as s:
            by_slack = s.query(InboundMessage).filter_by(channel="slack").one().decision
        [post] = slack_api.posts
    assert _comparable(by_email) == _comparable(by_fake) == _comparable(by_slack)
    assert _comparable(by_slack)["links"] == [("invoice", "INV-10423")]
    assert post.buttons == [by_slack["links"][0]["url"]]
