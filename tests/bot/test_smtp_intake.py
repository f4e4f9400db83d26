"""SMTP intake: a message is accepted only once it is stored; too big is refused."""

from __future__ import annotations

import smtplib
import socket

import pytest
from sqlalchemy import select

from bot.channels.email.smtpd import make_controller
from core.models import InboundMessage
from tests.bot.conftest import eml


@pytest.fixture
def intake(world):

    world.settings = world.settings.replace(smtp_intake_max_bytes=20000)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = make_controller(world, world.settings, host="127.0.0.1", port=port)
    controller.start()
    yield world, port
    controller.stop()


def test_it_stores_a_message_before_accepting_it(intake):
    db, port = intake
    with smtplib.SMTP("127.0.0.1", port) as client:
        wire = eml("outlook_invoice_copy_en.eml").replace(b"\n", b"\r\n")  # as MTAs send it
        refused = client.sendmail("k@brookfield.example", ["ar@supplier.example"], wire)
    assert refused == {}
    with db.admin_session() as s:
        row = s.scalar(select(InboundMessage))
        assert row.sender == "karen.whitlock@brookfield.example"
        assert row.status.value == "received"


def test_it_refuses_a_message_over_the_size_limit(intake):
    db, port = intake
    huge = eml("apple_balance_fr.eml") + b"x" * 30000 + b"\r\n"
    with smtplib.SMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPException):
        client.sendmail("c@brookfield.example", ["ar@supplier.example"], huge)
    with db.admin_session() as s:
        assert s.scalars(select(InboundMessage)).all() == []


def test_it_answers_451_when_it_cannot_store(intake, monkeypatch):
    _db, port = intake
    import bot.channels.email.smtpd as smtpd

    def broken(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(smtpd, "store", broken)
    with smtplib.SMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPDataError) as error:
        client.sendmail(
            "c@brookfield.example", ["ar@supplier.example"], eml("apple_balance_fr.eml")
        )
    assert error.value.smtp_code == 451
