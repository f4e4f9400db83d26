"""The worker when things go wrong: a message that hangs, a worker that vanishes, a message that
keeps failing, two deliverers at once, and a stop in the middle of work."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

import bot.process
from bot.channels import dispatch
from bot.decider import Outcome
from bot.outbox import deliver_due
from bot.process import process
from bot.store import claim, renew, store
from bot.worker import Worker
from core.models import (
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    OutboundStatus,
    ProcessKind,
    ProcessState,
    utcnow,
)
from tests.bot.conftest import eml
from tests.bot.support import outbox, with_headers
from tests.support.cli import cli_env
from tests.support.processes import ardesk, heartbeat_states, sigterm, wait_for
from tests.support.smtp_server import SmtpTestServer

STALL = "hangs-on-purpose"


def _store(db, subject: str | None = None, n: int = 0) -> int:
    from bot.channels.email.parse import parse_email

    headers = {"Message_Id": f"<faults-{n}@brookfield.example>"}
    if subject:
        headers["Subject"] = subject
    raw = with_headers(eml("outlook_invoice_copy_en.eml"), **headers)
    message_id, created = store(db, parse_email(raw))
    assert created
    return message_id


def _status(db, message_id: int) -> InboundMessage:
    with db.admin_session() as s:
        row = s.get(InboundMessage, message_id)
        s.expunge(row)
        return row


def test_it_hands_a_message_past_its_deadline_to_ar_and_carries_on(world, monkeypatch):
    monkeypatch.setenv("ARDESK_TEST_STALL_SUBJECT", STALL)
    world.settings = world.settings.replace(message_deadline="3s", worker_lease="10s")
    stuck = _store(world, f"Copy of invoice INV-10423 {STALL}", 1)
    fine = _store(world, None, 2)
    worker = Worker(world, world.settings, send=lambda row: None)
    try:
        worker.decider.start()  # the child's start-up is not the message's time
        assert claim(world, limit=2, lease=world.settings.worker_lease) == [stuck, fine]
        started = time.monotonic()
        assert worker.decide(stuck) is Outcome.overdue
        took = time.monotonic() - started
        assert worker.decide(fine) is Outcome.decided  # a fresh child takes the next one
    finally:
        worker.close()
    assert took < 3 + 3, f"the worker was held {took:.1f} s by one message"
    row = _status(world, stuck)
    assert row.status is InboundStatus.handed_off
    assert row.decision["handoff_reason"] == "not decided within 3 s"
    assert _status(world, fine).status is InboundStatus.answered
    to_ar = [m for r, m in outbox(world) if r.inbound_message_id == stuck]
    assert [m["To"] for m in to_ar] == ["ar-team@supplier.example"]
    assert STALL in str(to_ar[0]["Subject"]) or STALL in to_ar[0].as_string()


def test_it_lets_another_worker_take_over_a_lapsed_claim_but_not_a_renewed_one(world):
    lease = world.settings.worker_lease
    first = _store(world)
    start = utcnow()
    assert claim(world, now=start, lease=lease) == [first]
    # While the first worker is alive it renews: a second worker finds nothing to take.
    renew(world, [first], now=start + lease - timedelta(seconds=1))
    assert claim(world, now=start + lease + timedelta(seconds=1), lease=lease) == []
    # The first worker vanished: once its last renewal is a lease old, the message is taken over.
    taken_over = start + 2 * lease
    assert claim(world, now=taken_over, lease=lease) == [first]
    process(world, world.settings, first)
    row = _status(world, first)
    assert row.status is InboundStatus.answered and row.attempts == 2
    replies = [r for r, _ in outbox(world) if r.inbound_message_id == first]
    assert len(replies) == 1


def test_it_gives_up_a_message_that_keeps_failing_and_hands_it_to_ar(world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the resolver is broken (text that may quote the customer)")

    monkeypatch.setattr(bot.process, "decide", broken)
    message_id = _store(world)
    now = utcnow()
    lease = world.settings.worker_lease
    for attempt in range(world.settings.processing_attempts + 1):
        now += lease + timedelta(seconds=1)
        assert claim(world, now=now, lease=lease) == [message_id], f"attempt {attempt + 1}"
        process(world, world.settings, message_id)
    row = _status(world, message_id)
    assert row.status is InboundStatus.failed
    attempts = world.settings.processing_attempts
    reason = f"given up after {attempts} failed attempts (last: RuntimeError)"
    assert row.decision["handoff_reason"] == reason
    assert claim(world, now=now + 2 * lease, lease=lease) == []  # never tried again
    [(row, message)] = [(r, m) for r, m in outbox(world) if r.inbound_message_id == message_id]
    assert row.recipient == "ar-team@supplier.example"
    attached = [p for p in message.iter_attachments() if p.get_content_type() == "message/rfc822"]
    assert attached, "AR gets the original"
    assert "quote the customer" not in message.as_string()


def test_two_deliverers_on_postgresql_never_send_one_reply_twice(pg_db):
    with SmtpTestServer() as smtp:
        settings = pg_db.settings.replace(smtp_url=smtp.url)
        with pg_db.admin_session() as s:
            for i in range(60):
                payload = (
                    f"From: ar@supplier.example\r\nTo: c{i}@customer.example\r\n"
                    f"Message-ID: <reply-{i}@supplier.example>\r\nSubject: reply {i}\r\n\r\nhi\r\n"
                ).encode()
                s.add(
                    OutboundMessage(
                        channel="email",
                        recipient=f"c{i}@customer.example",
                        subject=f"reply {i}",
                        payload=payload,
                        next_attempt_at=utcnow() - timedelta(seconds=1),
                    )
                )
        barrier = threading.Barrier(2)

        def deliverer() -> None:
            send = dispatch(settings)  # each its own connection, as two workers have
            barrier.wait()
            while deliver_due(pg_db, settings, send, limit=4).sent:
                pass

        threads = [threading.Thread(target=deliverer) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        ids = [str(m.message["Message-ID"]) for m in smtp.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    with pg_db.admin_session() as s:
        statuses = set(s.scalars(select(OutboundMessage.status)))
    assert statuses == {OutboundStatus.sent}


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_sigterm_stops_a_worker_within_a_deadline_leaving_nothing_claimed(world, tmp_path):
    world.settings = world.settings.replace(message_deadline="3s", worker_lease="1m")
    stuck = _store(world, f"Copy of invoice INV-10423 {STALL}", 1)
    others = [_store(world, None, n) for n in range(2, 12)]
    env = {
        **cli_env(world.settings),
        "ARDESK_TEST_STALL_SUBJECT": STALL,
        "ARDESK_SMTP_URL": "smtp://127.0.0.1:9",  # nothing listens: replies wait in the outbox
        "ARDESK_HEARTBEAT_INTERVAL": "1s",
    }
    worker = ardesk(env, "worker", "--no-intake")
    try:
        wait_for(lambda: _status(world, stuck).status is InboundStatus.processing, 60)
        assert heartbeat_states(world, ProcessKind.worker) == [ProcessState.running]
        time.sleep(0.5)  # deciding the message that hangs
        assert sigterm(worker, within=3 + 15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    statuses = {_status(world, m).status for m in [stuck, *others]}
    assert InboundStatus.processing not in statuses, "a claim was left behind"
    assert _status(world, stuck).status is InboundStatus.handed_off
    with world.admin_session() as s:
        assert OutboundStatus.sending not in set(s.scalars(select(OutboundMessage.status)))
    assert heartbeat_states(world, ProcessKind.worker) == [ProcessState.stopped]


def test_a_request_understanding_cannot_read_goes_to_ar_at_once(world, monkeypatch):
    import intents

    def broken(*_args, **_kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(intents, "understand", broken)
    message_id = _store(world)
    assert claim(world, lease=world.settings.worker_lease) == [message_id]
    process(world, world.settings, message_id)
    row = _status(world, message_id)
    assert row.status is InboundStatus.handed_off and row.attempts == 1  # not retried for nothing
    assert row.decision["handoff_reason"] == "understanding failed: RecursionError"
    assert [r.recipient for r, _ in outbox(world)] == ["ar-team@supplier.example"]
