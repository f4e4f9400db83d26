"""Corrections: an agent reads a request the bot misread, the bot answers from the corrected
reading, and the correction is kept as a labelled example for training."""

from __future__ import annotations

import email
import json
from email import policy

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import undefer

from ardesk.cli import main
from core.models import Correction, Handoff, InboundMessage, OutboundMessage, Resolution
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle
from tests.support.cli import cli_env
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.usefixtures("world")


def _dispute(db) -> int:
    assert handle(db, eml("dispute_pt.eml"))["handoff"] is True
    with db.admin_session() as s:
        return s.scalar(select(InboundMessage.id))


def _correct(client, message_id: int, **form):
    token = csrf_token(client.get(f"/ar/requests/{message_id}").text)
    return client.post(f"/ar/requests/{message_id}/correct", data={"csrf_token": token, **form})


def _outbox(db) -> list[OutboundMessage]:
    with db.admin_session() as s:
        query = select(OutboundMessage).options(undefer(OutboundMessage.payload))
        return list(s.scalars(query.order_by(OutboundMessage.id)))


def test_the_bot_answers_from_the_corrected_reading_once(db, agent):
    message_id = _dispute(db)
    before = len(_outbox(db))
    form = {"intent": "invoice_copy", "invoices": "10425", "language": "pt", "answer": "1"}
    assert _correct(agent, message_id, **form).status_code == 303
    assert _correct(agent, message_id, **form).status_code == 303  # a second click
    new = _outbox(db)[before:]
    assert [row.recipient for row in new] == ["joao.silva@muehlbauer.example"]
    message = email.message_from_bytes(new[0].payload, policy=policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "10425" in body and "/l/" in body  # the invoice, with a link as the bot sends it
    assert message["In-Reply-To"] == "<dispute-pt-1@muehlbauer.example>"
    with db.admin_session() as s:
        assert s.get(Handoff, message_id).resolution is Resolution.answered
        assert s.get(InboundMessage, message_id).status.value == "answered"
    with db.admin_session() as s:
        assert len(s.scalars(select(Correction)).all()) == 1  # the second click changed nothing


def test_a_saved_correction_is_a_labelled_example_and_reindexes_the_search(db, admin, tmp_path):
    message_id = _dispute(db)
    before = len(_outbox(db))
    form = {"intent": ["dispute", "invoice_copy"], "invoices": "10425, 10426", "pos": "PO-55",
            "period_from": "2026-07-01", "period_to": "2026-09-30", "language": "pt"}  # fmt: skip
    _correct(admin, message_id, **form)
    assert len(_outbox(db)) == before  # saving alone sends nothing
    with db.admin_session() as s:
        (correction,) = s.scalars(select(Correction))
        assert correction.intents == ["dispute", "invoice_copy"]
        assert correction.invoice_numbers == ["10425", "10426"]
        assert "preço errado" in correction.text
    assert "10426" in admin.get("/ar/requests?q=10426").text
    result = CliRunner().invoke(main, ["corrections", "export"], env=cli_env(db.settings, tmp_path))
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(row) for row in result.output.splitlines()]
    assert line["intents"] == ["dispute", "invoice_copy"]
    assert line["period"] == {"from": "2026-07-01", "to": "2026-09-30"}
    assert line["po_numbers"] == ["PO-55"] and line["language"] == "pt"
    assert "preço errado" in line["body"]


def test_a_corrections_text_never_reaches_another_accounts_mail(db, admin):
    message_id = _dispute(db)
    handle(db, eml("outlook_invoice_copy_en.eml"))  # Brookfield's own request and answer
    _correct(admin, message_id, intent="invoice_copy", invoices="10425", language="pt", answer="1")
    for row in _outbox(db):
        text = row.payload.decode("utf-8", errors="replace")
        if "brookfield" in row.recipient:
            assert "10425" not in text and "Mühlbauer" not in text
            assert "pre=C3=A7o errado" not in text and "preço errado" not in text


def test_a_correction_needs_an_intent(db, admin):
    message_id = _dispute(db)
    response = _correct(admin, message_id, invoices="10425")
    assert "Choose at least one intent." in admin.get(response.headers["Location"]).text
    with db.admin_session() as s:
        assert s.scalar(select(Correction.id)) is None
