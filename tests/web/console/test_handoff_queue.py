"""The hand-off queue: a dispute the bot handed off, claimed, noted, answered through the outbox
(and delivered to the loopback SMTP server), or closed with a reason."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from bot.channels import dispatch
from bot.outbox import deliver_due
from core.models import (
    AuditEvent,
    Handoff,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    Resolution,
)
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle, with_headers
from tests.support.smtp_server import SmtpTestServer
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.usefixtures("world")


def _dispute(db) -> int:
    decision = handle(db, eml("dispute_pt.eml"))
    assert decision["handoff"] is True  # acknowledged by the bot, and a person must look
    with db.admin_session() as s:
        return s.scalar(select(InboundMessage.id).where(InboundMessage.subject.like("Fatura%")))


def _post(client, path: str, **form):
    token = csrf_token(client.get("/ar/queue").text)
    return client.post(path, data={"csrf_token": token, **form})


def _queue_ids(client, show: str = "all") -> list[int]:
    text = client.get(f"/ar/queue?show={show}").text
    return [int(i) for i in re.findall(r'href="/ar/requests/(\d+)"', text)]


def _outbox(db) -> list[OutboundMessage]:
    with db.admin_session() as s:
        return list(
            s.scalars(
                select(OutboundMessage)
                .options(undefer(OutboundMessage.payload))
                .order_by(OutboundMessage.id)
            )
        )


def test_the_queue_holds_hand_offs_oldest_first_and_nothing_answered(db, admin):
    handle(db, eml("outlook_invoice_copy_en.eml"))  # answered by the bot: not in the queue
    first = _dispute(db)
    handle(db, with_headers(eml("dispute_pt.eml"), Message_ID="<second-dispute@m.example>"))
    with db.admin_session() as s:
        second = s.scalar(select(InboundMessage.id).order_by(InboundMessage.id.desc()))
    assert _queue_ids(admin) == [first, second]
    page = admin.get("/ar/queue").text
    assert "Mühlbauer Maschinenbau GmbH" in page
    assert re.search(r"due (overdue|due soon|on time)|· (overdue|due soon|on time)", page)


def test_an_agent_claims_a_request_and_it_shows_as_theirs(db, agent, team):
    message_id = _dispute(db)
    assert _queue_ids(agent, "unassigned") == [message_id]
    assert _post(agent, f"/ar/requests/{message_id}/assign", user="me").status_code == 303
    assert _queue_ids(agent, "mine") == [message_id]
    assert _queue_ids(agent, "unassigned") == []
    page = agent.get(f"/ar/requests/{message_id}").text
    assert 'class="assignee">Gus Agent<' in page
    # The account's open items sit beside the request.
    assert "10425" in page and "10426" in page


def test_notes_form_a_trail_that_only_ar_reads(db, admin):
    message_id = _dispute(db)
    before = len(_outbox(db))
    _post(admin, f"/ar/requests/{message_id}/notes", text="Price list 2026 applies, checking.")
    _post(admin, f"/ar/requests/{message_id}/notes", text="Sales confirmed the old price.")
    page = admin.get(f"/ar/requests/{message_id}").text
    assert page.index("Price list 2026 applies") < page.index("Sales confirmed the old price")
    assert len(_outbox(db)) == before  # a note never goes to the customer
    with db.admin_session() as s:
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "handoff.note"))


def test_an_answer_goes_through_the_outbox_once_threaded_in_the_contacts_language(db, admin):
    message_id = _dispute(db)
    before = len(_outbox(db))
    text = "We checked invoice 10425: the price is correct.\n\nA credit note follows."
    response = _post(admin, f"/ar/requests/{message_id}/answer", text=text)
    assert response.status_code == 303
    again = _post(admin, f"/ar/requests/{message_id}/answer", text=text)  # a second click
    assert again.status_code == 303
    assert "already answered or closed" in admin.get(again.headers["Location"]).text
    replies = _outbox(db)[before:]
    assert len(replies) == 1
    (reply,) = replies
    assert reply.recipient == "joao.silva@muehlbauer.example"
    message = email.message_from_bytes(reply.payload, policy=policy.default)
    original = email.message_from_bytes(eml("dispute_pt.eml"), policy=policy.default)
    assert message["In-Reply-To"] == original["Message-ID"]
    assert message["Auto-Submitted"] == "no"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Estimado(a) João Silva,")  # João's language template
    assert "A credit note follows." in body
    assert _queue_ids(admin) == []
    with db.admin_session() as s:
        handoff = s.get(Handoff, message_id)
        assert handoff.resolution is Resolution.answered
        assert handoff.outbound_message_id == reply.id
    assert "answered (" in admin.get(f"/ar/requests/{message_id}").text


def test_the_answer_reaches_the_customer_over_smtp(db, admin):
    message_id = _dispute(db)
    _post(admin, f"/ar/requests/{message_id}/answer", text="Corrected invoice attached soon.")
    with SmtpTestServer() as smtp:
        settings = db.settings.replace(smtp_url=smtp.url)
        deliver_due(db, settings, dispatch(settings))
        texts = [
            (m.rcpt_tos, m.message.get_body(preferencelist=("plain",)).get_content())
            for m in smtp.messages
        ]
    assert [to for to, text in texts if "Corrected invoice attached soon." in text] == [
        ("joao.silva@muehlbauer.example",)
    ]


def test_closing_needs_a_reason_and_takes_the_request_off_the_queue(db, admin):
    message_id = _dispute(db)
    before = len(_outbox(db))
    refused = _post(admin, f"/ar/requests/{message_id}/close", reason="  ")
    assert refused.status_code == 303
    assert _queue_ids(admin) == [message_id]
    _post(admin, f"/ar/requests/{message_id}/close", reason="Settled by phone with João")
    assert _queue_ids(admin) == []
    page = admin.get(f"/ar/requests/{message_id}").text
    assert "closed: Settled by phone with João" in page
    assert len(_outbox(db)) == before


def test_a_message_given_up_after_repeated_errors_waits_in_the_queue(db, admin):
    from bot.channels.email.parse import parse_email
    from bot.process import give_up
    from bot.store import claim_one, store

    raw = eml("malformed.eml")
    message_id, _ = store(db, parse_email(raw))
    assert claim_one(db, message_id)
    given_up = give_up(
        db, db.settings, message_id, "given up after 5 failed attempts", status=InboundStatus.failed
    )
    assert given_up["handoff"] is True
    assert _queue_ids(admin) == [message_id]
