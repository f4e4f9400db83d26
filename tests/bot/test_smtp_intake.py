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
    import bot.channels.email.intake as intake_module

    def broken(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(intake_module, "store", broken)
    with smtplib.SMTP("127.0.0.1", port) as client, pytest.raises(smtplib.SMTPDataError) as error:
        client.sendmail(
            "c@brookfield.example", ["ar@supplier.example"], eml("apple_balance_fr.eml")
        )
    assert error.value.smtp_code == 451


def test_a_message_the_database_refuses_as_read_is_still_stored_and_accepted(intake, monkeypatch):
    db, port = intake
    import bot.channels.email.intake as intake_module

    real_store, calls = intake_module.store, []

    def refuses_the_first(db, inbound):
        calls.append(inbound)
        if len(calls) == 1:
            raise ValueError("a value this database cannot hold")
        return real_store(db, inbound)

    monkeypatch.setattr(intake_module, "store", refuses_the_first)
    wire = eml("apple_balance_fr.eml")
    with smtplib.SMTP("127.0.0.1", port) as client:
        assert client.sendmail("c@brookfield.example", ["ar@supplier.example"], wire) == {}
    with db.admin_session() as s:
        row = s.scalar(select(InboundMessage))
        assert row.status.value == "received" and row.sender == ""  # stored unread
        assert row.dedupe_key == calls[0].dedupe_key  # under its Message-ID, as read
        assert row.dedupe_key.startswith("<")
        assert b"Clair" in row.raw  # the worker reads it from its bytes
