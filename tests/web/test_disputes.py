"""A dispute raised in the portal reaches AR: a hand-off stored and an email in the outbox."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser

import pytest
from flask import Flask
from sqlalchemy import select

from bot.outbox import deliver_due
from core import logs
from core.db import Database
from core.decisions import Decision
from core.models import InboundMessage, OutboundMessage, OutboundStatus
from tests.web.conftest import csrf_token, https_client, open_portal, portal_settings
from web import create_app

AR = "receivables@supplier.example"


@pytest.fixture
def ar_app(db: Database) -> Iterator[Flask]:
    application = create_app(portal_settings(db.settings, ar_address=AR))
    yield application
    application.extensions["ardesk.db"].dispose()


def dispute(app: Flask, contact_id: int, invoice_id: int, comment: str):
    client = https_client(app)
    open_portal(app, client, contact_id)
    page = client.get(f"/invoices/{invoice_id}")
    return client.post(
        f"/invoices/{invoice_id}/dispute",
        data={"csrf_token": csrf_token(page.text), "comment": comment},
    )


def test_a_dispute_emails_ar_with_the_comment_and_the_invoice_number(ar_app, db, world):
    sent = dispute(ar_app, world.approver, world.invoices["A-100"], "Line 1 was never delivered.")
    assert sent.status_code == 303
    with db.admin_session() as s:
        (handoff,) = s.scalars(select(InboundMessage)).all()
        (email,) = s.scalars(select(OutboundMessage)).all()
        assert email.recipient == AR and email.status == OutboundStatus.pending
        assert email.account_id == world.alice and email.inbound_message_id == handoff.id
        message = BytesParser(policy=policy.default).parsebytes(email.payload)
    assert message["To"] == AR
    assert message["Subject"] == "[ardesk hand-off: dispute] Dispute: invoice A-100"
    assert message["Reply-To"].addresses[0].addr_spec == "fa@alice.example"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Line 1 was never delivered." in text
    assert "Invoices:    A-100" in text
    assert "Reason:      dispute" in text


def test_a_refused_dispute_queues_no_email(ar_app, db, world):
    assert dispute(ar_app, world.approver, world.invoices["A-100"], "   ").status_code == 303
    assert dispute(ar_app, world.alice_contact, world.invoices["A-100"], "x").status_code == 403
    with db.admin_session() as s:
        assert s.scalars(select(OutboundMessage)).all() == []
        assert s.scalars(select(InboundMessage)).all() == []


def test_the_request_id_of_a_dispute_follows_its_email_through_delivery(ar_app, db, world):
    client = https_client(ar_app)
    client.environ_base["HTTP_X_REQUEST_ID"] = "edge-proxy-7f3a9c"  # as a proxy would set it
    open_portal(ar_app, client, world.approver)
    page = client.get(f"/invoices/{world.invoices['A-100']}")
    assert page.headers["X-Request-ID"] == "edge-proxy-7f3a9c"
    sent = client.post(
        f"/invoices/{world.invoices['A-100']}/dispute",
        data={"csrf_token": csrf_token(page.text), "comment": "Never delivered."},
    )
    assert sent.status_code == 303
    with db.admin_session() as s:
        (handoff,) = s.scalars(select(InboundMessage)).all()
        (email,) = s.scalars(select(OutboundMessage)).all()
    assert handoff.request_id == "edge-proxy-7f3a9c"

    out = io.StringIO()
    handler = logs.prepare(logging.StreamHandler(out), "json")
    deliveries = logging.getLogger("ardesk.delivery")
    deliveries.addHandler(handler)
    level, deliveries.level = deliveries.level, logging.INFO
    try:
        deliver_due(db, ar_app.extensions["ardesk.settings"], lambda _row: None)
    finally:
        deliveries.removeHandler(handler)
        deliveries.setLevel(level)
    (line,) = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["request_id"] == "edge-proxy-7f3a9c" and line["result"] == "sent"
    assert line["message_id"] == handoff.id and line["outbox_id"] == email.id
    assert line["recipient_domain"] == "supplier.example" and AR not in out.getvalue()


def test_every_response_names_its_request_and_an_unsafe_id_is_replaced(ar_app):
    client = https_client(ar_app)
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-0a1b2c3d"})
    assert kept.headers["X-Request-ID"] == "lb-0a1b2c3d"
    for unsafe in ("fa@alice.example", "<script>alert(1)</script>", "x" * 200):
        given = client.get("/healthz", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", given)
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_a_disputes_decision_record_reads_as_the_bots_do(ar_app, db, world):
    """The same typed record as the pipeline's: the console and the request log's search read
    the dispute's intent, invoice and contact the way they read any request."""
    dispute(ar_app, world.approver, world.invoices["A-100"], "Wrong quantity.")
    with db.admin_session() as s:
        (handoff,) = s.scalars(select(InboundMessage)).all()
        decision = Decision.read(handoff.decision)
    assert decision.understood is not None and decision.understood.intents == ("dispute",)
    assert decision.understood.invoice_numbers == ("A-100",)
    assert decision.sender is not None and decision.sender.email == "fa@alice.example"
    assert decision.sender.status == "verified" and decision.handoff_reason == "dispute"
    assert Decision.read(decision.record()) == decision
    assert json.loads(json.dumps(decision.record())) == handoff.decision


def test_a_dispute_waits_in_ars_queue_and_is_found_by_its_invoice_number(ar_app, db, world):
    """AR works disputes where it works every hand-off: the queue, searchable by number, with
    the customer's action in the audit trail."""
    from core.models import AuditEvent, RequestTerm
    from web.console import handoffs

    dispute(ar_app, world.approver, world.invoices["A-100"], "Charged twice.")
    with db.admin_session() as s:
        (handoff,) = s.scalars(select(InboundMessage)).all()
        queued = handoffs.queue(s, db.settings)
        terms = {t.value for t in s.scalars(select(RequestTerm))}
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.account_id == world.alice))
        assert "invoice.dispute" in set(actions)
    assert [item.id for item in queued] == [handoff.id]
    assert "a-100" in {t.lower() for t in terms}
