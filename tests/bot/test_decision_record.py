"""The decision record is one typed value: what the pipeline stores reads back as it was
written, and records stored before (a portal dispute's older shape, a request given up) still
read."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.decisions import Decision
from core.models import InboundMessage
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle

pytestmark = pytest.mark.usefixtures("world")

SAMPLES = (
    "outlook_invoice_copy_en.eml",  # answered with a link
    "dispute_pt.eml",  # acknowledged and handed off
    "auto_reply_ooo_en.eml",  # ignored by a guard
    "gmail_statement_de.eml",
    "malformed.eml",
)


@pytest.mark.parametrize("name", SAMPLES)
def test_a_stored_record_reads_back_as_it_was_written(db, name):
    printed = handle(db, eml(name))  # what `ardesk handle-eml --json` prints
    with db.admin_session() as s:
        stored = s.scalar(select(InboundMessage.decision).order_by(InboundMessage.id.desc()))
    assert stored == json.loads(json.dumps(printed))
    decision = Decision.read(stored)
    assert decision.record() == stored
    assert Decision.read(decision.record()) == decision
    assert decision.action in ("reply", "handoff", "ignore")


def test_the_console_reads_what_it_needs_from_the_pipelines_record(db):
    decision = Decision.read(handle(db, eml("outlook_invoice_copy_en.eml")))
    assert decision.sender is not None and decision.sender.contact == "Karen Whitlock"
    assert decision.understood is not None and decision.understood.intents[0] == "invoice_copy"
    assert [link.invoice for link in decision.links] == ["INV-10423"]
    assert decision.replies[0].to == "karen.whitlock@brookfield.example"


def test_older_records_still_read():
    # A portal dispute stored before the record was one type: one intent, ids for names.
    dispute = Decision.read(
        {
            "channel": "portal",
            "action": "handoff",
            "handoff": True,
            "understanding": {"intent": "dispute", "invoice_numbers": ["A-100"]},
            "sender": {"email": "fa@alice.example", "status": "verified", "contact": 7},
            "answers": [{"type": "dispute", "invoice_id": 3, "link_id": "x"}],
        }
    )
    assert dispute.understood is not None
    assert dispute.understood.intents == ("dispute",)
    assert dispute.understood.invoice_numbers == ("A-100",)
    assert dispute.handoff and dispute.attached_to is None
    # A request given up after failures stored three keys only.
    given_up = Decision.read({"action": "handoff", "handoff": True, "handoff_reason": "failed"})
    assert (given_up.sender, given_up.understood, given_up.replies) == (None, None, ())
    assert Decision.read(None) == Decision(action="", handoff=False)
