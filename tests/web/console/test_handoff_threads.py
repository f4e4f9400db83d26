"""Follow-ups and duplicates in the console: a customer's follow-up shows on the hand-off it
joined and marks it in the queue; the same contact's duplicate is merged into one hand-off,
answered once, threaded to both; a request's page lists the contact's repeats of the ask."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from core.models import AuditEvent, Handoff, InboundMessage, OutboundMessage, Resolution
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle, with_headers
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.usefixtures("world")

ORIGINAL = "<dispute-pt-1@muehlbauer.example>"


def _id(db, message_id: str) -> int:
    with db.admin_session() as s:
        return s.scalar(select(InboundMessage.id).where(InboundMessage.dedupe_key == message_id))


def _post(client, path: str, **form):
    token = csrf_token(client.get("/ar/queue").text)
    return client.post(path, data={"csrf_token": token, **form})


def _queue_ids(client) -> list[int]:
    return [int(i) for i in re.findall(r'href="/ar/requests/(\d+)"', client.get("/ar/queue").text)]


def _dispute(db, message_id: str = ORIGINAL, sender: str = "joao.silva@muehlbauer.example"):
    handle(db, with_headers(eml("dispute_pt.eml"), Message_ID=message_id, From=sender))
    return _id(db, message_id)


def _follow_up(db, text: str) -> int:
    raw = with_headers(
        eml("dispute_pt.eml"), Message_ID="<later@muehlbauer.example>", In_Reply_To=ORIGINAL,
        References=ORIGINAL, Subject="Re: Fatura 10425",
    )  # fmt: skip
    message = email.message_from_bytes(raw, policy=policy.default)
    message.set_content(text)
    handle(db, message.as_bytes())
    return _id(db, "<later@muehlbauer.example>")


def _reply(db, message_id: int) -> email.message.EmailMessage:
    with db.admin_session() as s:
        row = s.scalar(
            select(OutboundMessage)
            .options(undefer(OutboundMessage.payload))
            .where(OutboundMessage.id == s.get(Handoff, message_id).outbound_message_id)
        )
        return email.message_from_bytes(row.payload, policy=policy.default)


def test_a_follow_up_shows_on_its_hand_off_and_marks_it_in_the_queue(db, admin):
    first = _dispute(db)
    later = _follow_up(db, "Any news on the credit note? We need it before Friday.")
    assert _queue_ids(admin) == [first]  # one item, not two
    queue = admin.get("/ar/queue").text
    assert "new customer input" in queue and "We need it before Friday." in queue
    page = admin.get(f"/ar/requests/{first}").text
    assert "We need it before Friday." in page and "follow-up" in page
    # Looked at (nobody has it, so whoever opens it): no longer marked as new.
    assert "new customer input" not in admin.get("/ar/queue").text
    assert f'href="/ar/requests/{first}"' in admin.get(f"/ar/requests/{later}").text


def test_the_answer_replies_to_the_follow_up_within_the_original_thread(db, admin):
    first = _dispute(db)
    _follow_up(db, "Any news?")
    _post(admin, f"/ar/requests/{first}/answer", text="The credit note went out today.")
    reply = _reply(db, first)
    assert reply["In-Reply-To"] == "<later@muehlbauer.example>"
    assert ORIGINAL in reply["References"]


def test_a_duplicate_is_merged_answered_once_and_threaded_to_both(db, admin):
    first = _dispute(db)
    second = _dispute(db, "<dispute-pt-2@muehlbauer.example>")  # the same ask, a day later
    assert _queue_ids(admin) == [first, second]
    page = admin.get(f"/ar/requests/{first}").text
    assert "Possible duplicates" in page and f'name="other" value="{second}"' in page
    assert _post(admin, f"/ar/requests/{first}/merge", other=str(second)).status_code == 303
    assert _queue_ids(admin) == [first]
    with db.admin_session() as s:
        merged = s.get(Handoff, second)
        assert merged.resolution is Resolution.merged
        assert merged.reason == f"duplicate of {first}"
        assert s.scalar(select(AuditEvent.target).where(AuditEvent.action == "handoff.merge"))
    assert "merged duplicate" in admin.get(f"/ar/requests/{first}").text
    _post(admin, f"/ar/requests/{first}/answer", text="One credit note covers both.")
    reply = _reply(db, first)
    assert {ORIGINAL, "<dispute-pt-2@muehlbauer.example>"} <= {
        reply["In-Reply-To"],
        *reply["References"].split(),
    }
    with db.admin_session() as s:  # recorded as answered on the duplicate too
        assert (
            s.get(Handoff, second).outbound_message_id == s.get(Handoff, first).outbound_message_id
        )


def test_another_contacts_request_is_never_merged(db, admin):
    first = _dispute(db)
    other = _dispute(db, "<sabine-1@muehlbauer.example>", "s.krueger@muehlbauer.example")
    assert f'name="other" value="{other}"' not in admin.get(f"/ar/requests/{first}").text
    response = _post(admin, f"/ar/requests/{first}/merge", other=str(other))
    assert "Only open hand-offs of the same contact" in admin.get(response.headers["Location"]).text
    assert _queue_ids(admin) == [first, other]


def test_a_requests_page_lists_the_contacts_repeats_of_the_ask(db, admin):
    handle(db, eml("outlook_invoice_copy_en.eml"))
    handle(db, with_headers(eml("outlook_invoice_copy_en.eml"), Message_ID="<again@b.example>"))
    first = _id(db, "<again@b.example>") - 1
    page = admin.get(f"/ar/requests/{first}").text
    assert "asked the same" in page
    assert f'href="/ar/requests/{first + 1}"' in page
