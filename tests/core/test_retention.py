"""Retention: old message text goes, fresh and open requests keep it, records and audit stay."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update
from sqlalchemy.orm import undefer

from ardesk.cli import main
from ardesk.clock import all_jobs, run_once_per_tick
from bot.channels.email.parse import parse_email
from bot.store import claim_one, store
from core import retention
from core.models import (
    AuditEvent,
    Correction,
    Handoff,
    HandoffNote,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    OutboundStatus,
    utcnow,
)
from tests.bot.conftest import eml
from tests.bot.support import handle, with_headers
from tests.support.cli import cli_env

OLD = timedelta(days=120)


def _age(db, message_id: int, by: timedelta = OLD, *, delivered: bool = True) -> None:
    """Make a message (and its outbox rows) ``by`` older; its replies delivered."""
    with db.admin_session() as s:
        s.execute(
            update(InboundMessage)
            .where(InboundMessage.id == message_id)
            .values(received_at=utcnow() - by)
        )
        values = {"created_at": utcnow() - by}
        if delivered:
            values |= {"status": OutboundStatus.sent, "sent_at": utcnow() - by}
        s.execute(
            update(OutboundMessage)
            .where(OutboundMessage.inbound_message_id == message_id)
            .values(**values)
        )


def _id_of(db, sender: str) -> int:
    with db.admin_session() as s:
        return s.scalars(
            select(InboundMessage.id)
            .where(InboundMessage.sender == sender)
            .order_by(InboundMessage.id.desc())
        ).first()


def _message(db, message_id: int) -> InboundMessage:
    with db.admin_session() as s:
        return s.get(InboundMessage, message_id, options=[undefer(InboundMessage.raw)])


def _outbound(db, message_id: int) -> list[OutboundMessage]:
    with db.admin_session() as s:
        return list(
            s.scalars(
                select(OutboundMessage)
                .options(undefer(OutboundMessage.payload))
                .where(OutboundMessage.inbound_message_id == message_id)
            )
        )


@pytest.fixture
def answered(world):
    """Karen's invoice-copy request, answered with a link, 120 days ago; Sabine's, today."""
    handle(world, eml("outlook_invoice_copy_en.eml"))
    old = _id_of(world, "karen.whitlock@brookfield.example")
    handle(world, eml("gmail_statement_de.eml"))
    fresh = _id_of(world, "s.krueger@muehlbauer.example")
    with world.admin_session() as s:
        s.add(HandoffNote(inbound_message_id=old, text="Karen called about INV-10423"))
        s.add(
            Correction(
                inbound_message_id=old,
                channel="email",
                subject="Copy of invoice",
                text="Please send invoice INV-10423",
                language="en",
                intents=["invoice_copy"],
            )
        )
    _age(world, old)
    return world, old, fresh


def test_it_redacts_old_text_and_keeps_the_records(answered):
    db, old, fresh = answered
    before = _message(db, old)
    assert before.raw and before.decision["understanding"]["new_text"]
    with db.admin_session() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditEvent))

    report = retention.run(db, days=90)

    assert report.as_dict()["redacted"] == {
        "inbound_messages": 1,
        "outbound_messages": 1,
        "corrections": 1,
        "handoff_notes": 1,
        "handoff_reasons": 0,
    }
    after = _message(db, old)
    assert after.raw == b"" and after.subject == "" and after.redacted_at is not None
    decision = after.decision
    assert decision["understanding"]["new_text"] == ""
    assert decision["reply"]["text"] == "" and decision["reply"]["subject"] == ""
    assert all(link["url"] == "" for link in decision["links"])
    # What happened stays: the reading, the action, the answer, who it went to.
    assert decision["understanding"]["intents"] == before.decision["understanding"]["intents"]
    assert decision["understanding"]["invoice_numbers"] == ["INV-10423"]
    assert decision["action"] == "reply" and after.status is InboundStatus.answered
    assert decision["reply"]["to"] == "karen.whitlock@brookfield.example"
    [reply] = _outbound(db, old)
    assert reply.payload == b"" and reply.subject == "" and reply.status is OutboundStatus.sent
    assert reply.sent_at is not None and reply.recipient == "karen.whitlock@brookfield.example"
    with db.admin_session() as s:
        assert s.scalars(select(HandoffNote.text)).all() == [""]
        correction = s.scalars(select(Correction)).one()
        assert (correction.text, correction.subject, correction.intents) == (
            "",
            "",
            ["invoice_copy"],
        )
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    # The fresh request is untouched.
    kept = _message(db, fresh)
    assert kept.raw and kept.subject and kept.redacted_at is None
    assert kept.decision["reply"]["text"]


def test_a_second_run_redacts_nothing_and_says_so(answered, tmp_path):
    db, _old, _fresh = answered
    env = cli_env(db.settings, tmp_path)
    runner = CliRunner()
    dry = runner.invoke(main, ["retention", "run", "--dry-run", "--json"], env=env)
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["redacted"]["inbound_messages"] == 1
    assert _message(db, _old).raw  # a dry run changes nothing
    first = runner.invoke(main, ["retention", "run"], env=env)
    assert first.exit_code == 0, first.output
    assert "redacted" in first.output and "inbound messages" in first.output
    second = runner.invoke(main, ["retention", "run", "--json"], env=env)
    assert json.loads(second.output)["total"] == 0
    third = runner.invoke(main, ["retention", "run"], env=env)
    assert "nothing to redact" in third.output


def test_it_never_touches_a_message_still_waiting_or_in_the_queue(world):
    waiting = []
    for n in range(2):
        raw = with_headers(eml("latin1_it.eml"), Message_ID=f"<waiting-{n}@brookfield.example>")
        message_id, _ = store(world, parse_email(raw))
        waiting.append(message_id)
    assert claim_one(world, waiting[1])  # in a worker's hands
    handle(world, eml("dispute_pt.eml"))  # acknowledged, and a person must look: AR's queue
    queued = _id_of(world, "joao.silva@muehlbauer.example")
    with world.admin_session() as s:
        assert s.get(Handoff, queued).resolution is None  # still in the queue
    for message_id in [*waiting, queued]:
        _age(world, message_id, delivered=False)

    report = retention.run(world, days=90)

    assert report.redacted.inbound_messages == 0 and report.kept_open == 1
    assert report.redacted.outbound_messages == 0  # nothing of theirs is delivered yet
    for message_id in [*waiting, queued]:
        assert _message(world, message_id).raw

    with world.admin_session() as s:  # AR closes it: now it goes
        s.execute(update(Handoff).values(resolution="closed", resolved_at=utcnow(), reason="done"))
    again = retention.run(world, days=90)
    assert again.redacted.inbound_messages == 1 and again.redacted.handoff_reasons == 1
    assert _message(world, queued).raw == b""


def test_a_follow_up_keeps_its_text_while_its_hand_off_is_open(world):
    handle(world, eml("dispute_pt.eml"))
    queued = _id_of(world, "joao.silva@muehlbauer.example")
    original, again = "<dispute-pt-1@muehlbauer.example>", "<again@muehlbauer.example>"
    raw = with_headers(eml("dispute_pt.eml"), Message_ID=again, In_Reply_To=original)
    assert handle(world, raw)["attached_to"] == queued
    with world.admin_session() as s:
        follow_up = s.scalar(select(InboundMessage.id).where(InboundMessage.dedupe_key == again))
    for message_id in (queued, follow_up):
        _age(world, message_id, delivered=False)

    report = retention.run(world, days=90)

    assert report.redacted.inbound_messages == 0 and report.kept_open == 2
    assert _message(world, follow_up).raw


def test_it_works_in_batches_and_the_clock_runs_it_daily(world):
    ids = []
    for n in range(5):
        raw = with_headers(eml("outlook_invoice_copy_en.eml"), Message_ID=f"<batch-{n}@x.example>")
        handle(world, raw)
        ids.append(_id_of(world, "karen.whitlock@brookfield.example"))
    for message_id in ids:
        _age(world, message_id)

    report = retention.run(world, days=90, batch=2)
    assert (report.redacted.inbound_messages, report.redacted.outbound_messages) == (5, 5)

    [job] = [j for j in all_jobs(world, world.settings) if j.name == "retention.run"]
    assert job.interval_seconds == 24 * 3600
    handle(world, with_headers(eml("outlook_invoice_copy_en.eml"), Message_ID="<late@x.example>"))
    late = _id_of(world, "karen.whitlock@brookfield.example")
    _age(world, late)
    assert run_once_per_tick(world, job, "host:1")
    assert not run_once_per_tick(world, job, "host:2")  # once per day, whichever clock
    assert _message(world, late).raw == b""
