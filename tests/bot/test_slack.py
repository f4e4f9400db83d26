"""Slack end to end: signed events in over HTTP, the worker decides, the outbox posts through a
local Slack Web API. Karen and Sabine are the conftest's contacts; Slack knows them by user id."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.failpoints import EXIT_CODE
from core import ar_users
from core.models import (
    ARRole,
    ChatMapping,
    ChatPlace,
    Contact,
    Document,
    InboundMessage,
    OutboundMessage,
    ProcessKind,
    ProcessState,
)
from tests.bot.fake_slack import TEAM, FakeSlack
from tests.bot.slack_support import SlackUser, event, slack_settings
from tests.support.smtp_server import SmtpTestServer
from tests.web.conftest import csrf_token, https_client

KAREN, SABINE, STRANGER, MALLORY = "UKAREN", "USABINE", "USTRANGER", "UMALLORY"
OUTSIDER, NO_ADDRESS, UNCONFIRMED = "UOUTSIDER", "UNOADDRESS", "UUNCONFIRMED"
KAREN_EMAIL = "karen.whitlock@brookfield.example"
KAREN_DM, SHARED = "DKAREN", "CSHARED"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(
        users={
            KAREN: "karen.whitlock@brookfield.example",
            SABINE: "s.krueger@muehlbauer.example",
            STRANGER: "new.person@brookfield.example",
            MALLORY: "karen.whitlock@brookfield.example",  # another team's user, same address
            OUTSIDER: "someone@elsewhere.example",  # at no customer's domain
            UNCONFIRMED: "karen.whitlock@brookfield.example",  # Karen's, not confirmed
        },
        unconfirmed={UNCONFIRMED},
        members={
            KAREN_DM: {KAREN},
            "DSTRANGER": {STRANGER},
            "DMALLORY": {MALLORY},
            "DOUTSIDER": {OUTSIDER},
            "DNOADDRESS": {NO_ADDRESS},  # Slack gives no address for this user
            "DUNCONFIRMED": {UNCONFIRMED},
            SHARED: {KAREN, SABINE, MALLORY},
        },
    ) as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:  # hand-offs reach AR by mail
        yield server


@pytest.fixture
def slack(world, fake, smtp) -> SlackUser:
    world.settings = slack_settings(world.settings, fake).replace(smtp_url=smtp.url)
    return SlackUser(world, fake)


def _map(db, place: ChatPlace, external_id: str, erp_id: str) -> None:
    from core.directory import find_account

    with db.admin_session() as s:
        s.add(
            ChatMapping(place=place, external_id=external_id, account_id=find_account(s, erp_id).id)
        )


def _to_ar(db) -> int:
    with db.admin_session() as s:
        return s.scalar(
            select(func.count()).where(
                OutboundMessage.channel == "email",
                OutboundMessage.recipient == "ar-team@supplier.example",
            )
        )


def _inbox(db) -> list[InboundMessage]:
    with db.admin_session() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_it_answers_a_direct_message_with_a_link_button_and_remembers_who_asked(slack, fake):
    response = slack.send(
        event("message", user=KAREN, channel=KAREN_DM, text="please send invoice INV-10423")
    )
    assert response.status_code == 200
    slack.work()
    [post] = fake.posts
    assert post.method == "chat.postMessage" and post.args["channel"] == KAREN_DM
    assert "INV-10423" in post.text and "INV-10424" not in post.text
    [button] = post.buttons
    assert re.fullmatch(r"http://localhost:\d+/l/\S+|https?://[^/]+/l/\S+", button)
    with slack.db.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.slack_user_id == KAREN))
        assert (karen.slack_team_id, karen.email) == (TEAM, "karen.whitlock@brookfield.example")
    [row] = _inbox(slack.db)
    assert row.decision["sender"]["verification"].startswith("address from the chat profile")


def test_an_automation_inbox_asking_in_slack_gets_a_link_since_nothing_can_be_attached(slack, fake):
    with slack.db.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.email.startswith("karen")))
        karen.automation_inbox = True
    slack.send(event("message", user=KAREN, channel=KAREN_DM, text="please send invoice INV-10423"))
    slack.work()
    [post] = fake.posts
    assert "INV-10423" in post.text and len(post.buttons) == 1
    assert "attached" not in post.text
    with slack.db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_it_rejects_a_bad_signature_and_stores_nothing(slack):
    body = event("message", user=KAREN, channel=KAREN_DM, text="what is our balance?")
    assert slack.send(body, secret="not-the-secret").status_code == 401
    assert _inbox(slack.db) == []


def test_it_rejects_a_replayed_request_with_an_old_timestamp(slack):
    import json

    from tests.bot.slack_support import signed

    data = json.dumps(event("message", user=KAREN, channel=KAREN_DM, text="balance")).encode()
    old = signed(data, at=1_600_000_000)  # correctly signed, years ago
    response = slack.client.post(
        "/slack/events", data=data, headers={**old, "Content-Type": "application/json"}
    )
    assert response.status_code == 401 and _inbox(slack.db) == []


def test_a_retried_event_and_a_mention_seen_twice_are_answered_once(slack, fake):
    first = event(
        "app_mention", user=KAREN, channel=SHARED, text="<@UARDESKBOT> what is our balance?"
    )
    assert slack.send(first).status_code == 200
    assert slack.send(first, retry=1).status_code == 200  # Slack thought it timed out
    again = {**first, "event_id": "EvOTHER", "event": {**first["event"], "type": "message"}}
    assert slack.send(again).status_code == 200  # the same message as a message event
    slack.work()
    slack.work()
    assert len(_inbox(slack.db)) == 1
    assert len(fake.posts) == 1


def test_a_balance_asked_in_a_shared_channel_is_shown_to_the_asker_alone(slack, fake):
    slack.send(
        event(
            "app_mention",
            user=KAREN,
            channel=SHARED,
            text="<@UARDESKBOT> what is our balance?",
            user_team=TEAM,
        )
    )
    slack.work()
    [post] = fake.posts
    assert post.method == "chat.postEphemeral"
    assert post.args["user"] == KAREN and post.args["thread_ts"]
    assert "Open balance: €1,690.00" in post.text
    assert not [p for p in fake.posts if p.method == "chat.postMessage"]


def test_it_says_not_found_for_another_accounts_invoice(slack, fake):
    slack.send(event("message", user=KAREN, channel=KAREN_DM, text="copy of invoice INV-99999"))
    slack.work()
    [post] = fake.posts
    assert "could not find INV-99999 on your account" in post.text and not post.buttons
    [row] = _inbox(slack.db)
    [answer] = row.decision["answers"]
    assert answer["not_found"] == ["INV-99999"] and answer["found"] == []


def test_a_user_of_a_team_bound_to_another_account_gets_nothing(slack, fake):
    _map(slack.db, ChatPlace.slack_team, "TOUTSIDER", "C3003")
    slack.send(
        event(
            "app_mention",
            user=MALLORY,
            channel=SHARED,
            text="<@UARDESKBOT> copy of invoice INV-10423",
            user_team="TOUTSIDER",
        )
    )
    slack.work()
    assert [p.method for p in fake.posts] == ["chat.postEphemeral"]
    assert "INV-10423" not in fake.posts[0].text and not fake.posts[0].buttons
    [row] = _inbox(slack.db)
    assert row.decision["sender"]["accounts"] == [] and row.decision["links"] == []
    assert _to_ar(slack.db) == 0  # a contact of C1001's address, but the team is C3003's


def test_in_a_channel_bound_to_one_account_only_that_account_answers(slack, fake):
    _map(slack.db, ChatPlace.slack_channel, SHARED, "C2002")
    slack.send(
        event("app_mention", user=KAREN, channel=SHARED, text="<@UARDESKBOT> our balance please")
    )
    slack.work()
    [row] = _inbox(slack.db)
    assert row.decision["sender"]["accounts"] == [] and row.decision["answers"] == []
    assert all("EUR" not in p.text for p in fake.posts)


def test_where_the_team_cannot_be_established_nobody_gets_data(slack, fake):
    body = event("app_mention", user=KAREN, channel=SHARED, text="<@UARDESKBOT> balance please")
    body["is_ext_shared_channel"] = True  # shared, but Slack named no team for the user
    slack.send(body)
    slack.work()
    [row] = _inbox(slack.db)
    assert row.decision["sender"]["verification"].startswith("the user's team could not")
    assert row.decision["answers"] == [] and _to_ar(slack.db) == 0


def test_a_stranger_at_a_customers_domain_is_told_how_to_get_access(slack, fake):
    slack.send(event("message", user=STRANGER, channel="DSTRANGER", text="what do we owe?"))
    slack.work()
    posts = [p for p in fake.posts if p.args["channel"] == "DSTRANGER"]
    assert len(posts) == 1 and "EUR" not in posts[0].text
    assert _to_ar(slack.db) == 1
    [row] = _inbox(slack.db)
    assert row.decision["handoff_reason"] == "unknown sender at a customer's domain"


@pytest.mark.parametrize(
    ("user", "why"),
    [
        (OUTSIDER, "address at no customer's domain"),
        (NO_ADDRESS, "no address from the chat"),
        # A contact's address that Slack has not confirmed (an admin can type in any): no one's.
        (UNCONFIRMED, "no address from the chat"),
    ],
)
def test_a_stranger_elsewhere_gets_the_help_message_and_ar_is_not_asked(slack, fake, user, why):
    channel = f"D{user[1:]}"
    slack.send(event("message", user=user, channel=channel, text="send me invoice INV-10423"))
    slack.work()
    [post] = fake.posts
    assert post.args["channel"] == channel and "/invoices" in post.text
    assert "INV-10423" not in post.text and not post.buttons
    assert _to_ar(slack.db) == 0
    [row] = _inbox(slack.db)
    assert (row.decision["action"], row.decision["handoff"]) == ("reply", False)
    assert row.decision["sender"]["status"] == "unknown"
    verification = row.decision["sender"]["verification"]
    assert why in verification and verification.endswith("help only, AR not asked")


def test_the_slash_command_answers_ephemerally_and_help_needs_no_worker(slack, fake):
    helped = slack.command("help", user=KAREN, channel=SHARED)
    assert helped.status_code == 200 and "/invoices 10423" in helped.get_data(as_text=True)
    assert _inbox(slack.db) == []
    asked = slack.command("INV-10423 10425", user=KAREN, channel=SHARED)
    assert asked.status_code == 200
    slack.work()
    [post] = fake.posts
    assert post.method == "chat.postEphemeral" and post.args["user"] == KAREN
    assert "INV-10423" in post.text and "10425" in post.text and len(post.buttons) >= 2


def test_it_ignores_edits_deletions_and_bots(slack, fake):
    slack.send(
        event("message", user=KAREN, channel=KAREN_DM, text="balance", subtype="message_changed")
    )
    slack.send(event("message", user="UOTHERBOT", channel=KAREN_DM, text="hi", bot_id="B9"))
    slack.work()
    assert fake.posts == []
    verdicts = [
        [g["rule"] for g in row.decision["guards"] if g["verdict"] == "hold"]
        for row in _inbox(slack.db)
    ]
    assert verdicts == [["chat_change"], ["chat_bot"]]


def test_slack_refusing_a_post_for_a_while_is_retried_not_lost(slack, fake):
    from datetime import timedelta

    from bot.outbox import deliver_due
    from core.models import utcnow

    fake.refuse_next.append(429)
    slack.send(event("message", user=KAREN, channel=KAREN_DM, text="what is our balance?"))
    slack.work()
    assert fake.posts == []
    deliver_due(slack.db, slack.db.settings, now=utcnow() + timedelta(hours=1))
    assert len(fake.posts) == 1


@pytest.mark.parametrize("failpoint", ["after_decide", "after_send"])
def test_a_worker_killed_between_decide_and_deliver_posts_exactly_one_reply(slack, fake, failpoint):
    from tests.bot.test_email_end_to_end import _worker_once

    slack.send(event("message", user=KAREN, channel=KAREN_DM, text="what is our balance?"))
    assert _worker_once(slack.db, failpoint) == EXIT_CODE
    if failpoint == "after_send":
        with slack.db.admin_session() as s:  # let the interrupted send's lease run out
            for row in s.scalars(select(OutboundMessage)):
                row.next_attempt_at = row.next_attempt_at.replace(year=2000)
    assert _worker_once(slack.db) == 0
    assert _worker_once(slack.db) == 0
    assert len(fake.posts) == 1


def test_the_link_button_opens_the_invoice_in_the_portal(slack, fake):
    from tests.web.conftest import follow

    slack.send(event("message", user=KAREN, channel=KAREN_DM, text="copy of invoice INV-10423"))
    slack.work()
    [url] = fake.posts[0].buttons
    landed = follow(slack.client, url.rpartition("/l/")[2])
    assert landed.status_code in (302, 303)
    page = slack.client.get(landed.headers["Location"])
    assert page.status_code == 200 and "INV-10423" in page.text


def test_socket_mode_receives_an_event_and_the_worker_answers_it(slack, fake):
    import os
    import subprocess
    import sys
    import time

    from tests.bot.fake_slack import APP_TOKEN
    from tests.bot.fake_slack_socket import FakeSocketMode
    from tests.support.cli import cli_env
    from tests.support.processes import heartbeat_states, sigterm

    with FakeSocketMode() as socket_mode:
        fake.socket_url = socket_mode.url
        env = {**os.environ, **cli_env(slack.db.settings), "ARDESK_SLACK_APP_TOKEN": APP_TOKEN}
        process = subprocess.Popen(
            [sys.executable, "-m", "ardesk", "slack"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert socket_mode.connected.wait(30), "ardesk slack never connected"
            envelope = socket_mode.push_event(
                event("message", user=KAREN, channel=KAREN_DM, text="what is our balance?")
            )
            deadline = time.monotonic() + 20
            while envelope not in socket_mode.acked and time.monotonic() < deadline:
                time.sleep(0.05)
            assert envelope in socket_mode.acked
            assert heartbeat_states(slack.db, ProcessKind.slack) == [ProcessState.running]
            assert sigterm(process, within=15) == 0  # closes its socket, and stops
        finally:
            if process.poll() is None:
                process.kill()
    assert len(_inbox(slack.db)) == 1  # acknowledged once stored
    assert heartbeat_states(slack.db, ProcessKind.slack) == [ProcessState.stopped]
    slack.work()
    [post] = fake.posts
    assert post.args["channel"] == KAREN_DM and "Open balance: €1,690.00" in post.text


def test_a_contact_of_two_accounts_gets_one_answer_per_account(slack, fake):
    fake.users["USHARED"] = "ap@shared.example"
    fake.members["DSHARED"] = {"USHARED"}
    slack.send(event("message", user="USHARED", channel="DSHARED", text="what is our balance?"))
    slack.work()
    texts = sorted(p.text for p in fake.posts)
    assert len(texts) == 2
    assert "Brookfield" in texts[0] and "Mühlbauer" not in texts[0]
    assert "Mühlbauer" in texts[1] and "Brookfield" not in texts[1]


def test_a_chat_user_past_the_hourly_limit_is_not_answered(slack, fake):
    slack.db.settings = slack.db.settings.replace(replies_per_sender_hour=2)
    for question in ("what is our balance?", "and our statement?", "balance again?"):
        slack.send(event("message", user=KAREN, channel=KAREN_DM, text=question))
    slack.work()
    held = [
        [g["rule"] for g in row.decision["guards"] if g["verdict"] == "hold"]
        for row in _inbox(slack.db)
    ]
    assert held == [[], [], ["chat_user_rate_limit"]]
    assert len(fake.posts) == 2


@pytest.mark.parametrize(
    ("words", "scope"), [("statement last quarter", "statement"), ("balance", "list")]
)
def test_the_slash_commands_words_choose_the_answer(slack, fake, words, scope):
    slack.command(words, user=KAREN, channel=SHARED)
    slack.work()
    [row] = _inbox(slack.db)
    assert [link["scope"] for link in row.decision["links"]] == [scope]
    [post] = fake.posts
    assert post.method == "chat.postEphemeral" and post.buttons == [row.decision["links"][0]["url"]]


def test_an_identity_ar_enters_in_the_console_is_answered_as_that_contact(slack, fake):
    """A Slack profile without an address: AR binds the user to Karen, and Karen is answered."""
    with slack.db.admin_session() as s:
        ar_users.add(s, "ada@supplier.example", "Ada", ARRole.admin, "correct horse battery")
        karen = s.scalar(
            select(Contact).where(Contact.email == "karen.whitlock@brookfield.example")
        )
        path = f"/ar/accounts/{karen.account_id}/contacts/{karen.id}/chat/slack"
    console = https_client(slack.client.application)
    form = {"email": "ada@supplier.example", "password": "correct horse battery"}
    console.post(
        "/ar/sign-in", data={**form, "csrf_token": csrf_token(console.get("/ar/sign-in").text)}
    )
    token = csrf_token(console.get("/ar/accounts").text)
    saved = console.post(path, data={"csrf_token": token, "workspace": TEAM, "user": NO_ADDRESS})
    assert saved.status_code == 303

    slack.send(
        event(
            "message", user=NO_ADDRESS, channel="DNOADDRESS", text="please send invoice INV-10423"
        )
    )
    slack.work()
    [post] = [p for p in fake.posts if p.args["channel"] == "DNOADDRESS"]
    assert "INV-10423" in post.text and post.buttons
    [row] = _inbox(slack.db)
    assert row.decision["sender"]["verification"] == "chat identity on file"


def test_a_chat_identity_on_file_is_not_taken_over_by_another_workspace(slack, fake):
    """AR entered Karen's Slack identity; a user of another workspace whose profile shows her
    address is not her, and her own next request is still answered as hers."""
    with slack.db.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.email == KAREN_EMAIL))
        karen.slack_team_id, karen.slack_user_id = TEAM, NO_ADDRESS
    slack.send(
        event(
            "app_mention", user=MALLORY, channel=SHARED, user_team="TOTHER",
            text="<@UARDESKBOT> copy of invoice INV-10423",
        )
    )  # fmt: skip
    slack.work()
    slack.send(event("message", user=NO_ADDRESS, channel="DNOADDRESS", text="copy of INV-10423"))
    slack.work()
    with slack.db.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.email == KAREN_EMAIL))
        assert (karen.slack_team_id, karen.slack_user_id) == (TEAM, NO_ADDRESS)
    [mallory] = [p for p in fake.posts if p.args["channel"] == SHARED]
    assert "INV-10423" not in mallory.text and "/l/" not in mallory.text
    [own] = [p for p in fake.posts if p.args["channel"] == "DNOADDRESS"]
    assert "INV-10423" in own.text
