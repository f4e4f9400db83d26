"""Delivering the outbox: retries on 4xx, AR told on 5xx, several workers never share a message."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbox import deliver_due
from bot.store import claim
from core.models import OutboundMessage, OutboundStatus, utcnow
from tests.bot.conftest import eml
from tests.bot.support import handle, with_headers
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture
def smtp():
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def sending(world, smtp):
    world.settings = world.settings.replace(smtp_url=smtp.url)
    return world


def _rows(db) -> list[OutboundMessage]:
    with db.admin_session() as s:
        return list(s.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_it_retries_a_temporary_refusal_later(sending, smtp):
    handle(sending, eml("apple_balance_fr.eml"))
    smtp.fail_next(450)
    report = deliver_due(sending, sending.settings)
    assert (report.sent, report.retried) == (0, 1)
    [row] = _rows(sending)
    assert row.status is OutboundStatus.pending and row.next_attempt_at > utcnow()
    assert "450" in row.last_error and "Bonjour" not in row.last_error
    later = utcnow() + timedelta(hours=5)
    report = deliver_due(sending, sending.settings, now=later)
    assert report.sent == 1
    assert [m.rcpt_tos for m in smtp.messages] == [("claire.dubois@brookfield.example",)]


def test_it_hands_a_permanent_refusal_to_ar(sending, smtp):
    handle(sending, eml("apple_balance_fr.eml"))
    smtp.fail_next(550)
    report = deliver_due(sending, sending.settings)
    assert report.failed == 1
    reply, notice = _rows(sending)
    assert reply.status is OutboundStatus.failed
    assert notice.recipient == "ar-team@supplier.example"
    deliver_due(sending, sending.settings)
    [captured] = smtp.messages
    assert captured.rcpt_tos == ("ar-team@supplier.example",)
    assert "undeliverable" in str(captured.message["Subject"]).lower()


def test_it_retries_when_the_mail_server_is_down(sending, smtp):
    handle(sending, eml("apple_balance_fr.eml"))
    smtp.stop()
    report = deliver_due(sending, sending.settings)
    assert report.retried == 1
    [row] = _rows(sending)
    assert row.status is OutboundStatus.pending


def test_it_never_gives_one_message_to_two_workers(world):
    from bot.channels.email.parse import parse_email
    from bot.store import store

    for i in range(40):
        store(
            world,
            parse_email(
                with_headers(
                    eml("apple_balance_fr.eml"), Message_Id=f"<many-{i}@brookfield.example>"
                )
            ),
        )
    claimed: list[list[int]] = [[], []]
    if world.dialect == "sqlite":
        pytest.skip("SQLite runs one worker; SKIP LOCKED is PostgreSQL's")

    def worker(index: int) -> None:
        while ids := claim(world, limit=3):
            claimed[index].extend(ids)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed[0] + claimed[1]) == sorted(set(claimed[0] + claimed[1]))
    assert len(claimed[0]) + len(claimed[1]) == 40
