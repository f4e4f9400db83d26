"""The request log: messages fed through the real pipeline, as AR finds and reads them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from core.models import AuditEvent, InboundMessage, InboundStatus, RequestTerm
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle, with_headers
from web.console import request_log

pytestmark = pytest.mark.usefixtures("world")

HOSTILE = b"""From: Karen Whitlock <karen.whitlock@brookfield.example>
To: ar@supplier.example
Subject: Balance please
Message-ID: <hostile-1@brookfield.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>What do we owe?</p><script>alert('console')</script>
<img src="https://tracker.example/pixel" onerror="alert(2)"></body></html>
"""


def _feed(db) -> dict[str, int]:
    """An invoice copy (answered), a newsletter (ignored), a dispute (handed off)."""
    handle(db, eml("outlook_invoice_copy_en.eml"))
    handle(db, eml("newsletter_list.eml"))
    handle(db, eml("dispute_pt.eml"))
    with db.admin_session() as s:
        return {row.subject: row.id for row in s.scalars(select(InboundMessage))}


def _ids(page_text: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/ar/requests/(\d+)"', page_text)]


def test_it_lists_every_request_newest_first_with_its_state(db, admin):
    ids = _feed(db)
    page = admin.get("/ar/requests")
    assert page.status_code == 200
    assert _ids(page.text) == sorted(ids.values(), reverse=True)
    for state in ("answered", "ignored", "handed off"):
        assert state in page.text


def test_it_filters_by_state_account_and_intent(db, admin):
    ids = _feed(db)
    newsletter = ids["Our November newsletter"]
    copy = ids["RE: Copy of invoice INV-10423"]
    assert _ids(admin.get("/ar/requests?status=ignored").text) == [newsletter]
    assert _ids(admin.get("/ar/requests?account=C1001").text) == [copy]
    assert _ids(admin.get("/ar/requests?intent=invoice_copy").text) == [copy]
    assert _ids(admin.get("/ar/requests?status=answered&channel=slack").text) == []


def test_it_finds_a_request_by_reference_exactly_or_by_prefix_and_by_sender(db, admin):
    ids = _feed(db)
    copy = ids["RE: Copy of invoice INV-10423"]
    assert _ids(admin.get("/ar/requests?q=INV-10423").text) == [copy]
    assert _ids(admin.get("/ar/requests?q=inv-104").text) == [copy]  # prefix, any case
    assert _ids(admin.get("/ar/requests?q=INV-105").text) == []
    assert _ids(admin.get("/ar/requests?q=news@brookfield").text) == [
        ids["Our November newsletter"]
    ]
    assert _ids(admin.get("/ar/requests?q=November newsletter").text) == [
        ids["Our November newsletter"]
    ]  # words: the subject
    with db.admin_session() as s:
        terms = set(s.execute(select(RequestTerm.kind, RequestTerm.value)).all())
    assert ("invoice", "INV-10423") in terms


def test_it_pages_by_received_time_without_gaps_or_repeats(db, admin):
    for n in range(7):
        handle(db, with_headers(eml("newsletter_list.eml"), Message_ID=f"<n{n}@b.example>"))
    with db.admin_session() as s:
        # Two messages received in the same instant: the id breaks the tie.
        first, second = s.scalars(select(InboundMessage.id).order_by(InboundMessage.id).limit(2))
        s.execute(
            update(InboundMessage)
            .where(InboundMessage.id == second)
            .values(received_at=select(InboundMessage.received_at).where(
                InboundMessage.id == first).scalar_subquery())
        )  # fmt: skip
        seen: list[int] = []
        cursor = ""
        while True:
            page = request_log.page(s, request_log.Filters(), cursor, size=3)
            seen += [row.id for row in page.rows]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        ordered = [
            row.id
            for row in s.execute(
                select(InboundMessage.id).order_by(
                    InboundMessage.received_at.desc(), InboundMessage.id.desc()
                )
            )
        ]
    assert seen == ordered and len(seen) == 7
    # The page's "Older" link carries the filters and the cursor.
    text = admin.get("/ar/requests?status=ignored").text
    assert "after=" not in text  # 7 fit on the first page


def test_the_request_page_reads_the_decision_record(db, admin):
    ids = _feed(db)
    page = admin.get(f"/ar/requests/{ids['RE: Copy of invoice INV-10423']}")
    assert page.status_code == 200
    text = page.text
    assert "Karen Whitlock" in text and "Brookfield Precision Castings Ltd" in text
    assert "verified" in text
    assert "invoice_copy" in text and "INV-10423" in text
    assert "karen.whitlock@brookfield.example" in text  # the reply went to the address on file
    assert "active until" in text  # the link it issued, not yet expired
    assert "/l/…" in text and not re.search(r"/l/[\w.\-]{8,}", text)  # never its token
    assert "Could you please send me a copy of invoice INV-10423?" in text


def test_a_link_never_opened_shows_as_expired_unused(db, admin):
    ids = _feed(db)
    from core.models import AccessLink

    with db.admin_session() as s:
        s.execute(update(AccessLink).values(expires_at=AccessLink.created_at))
    page = admin.get(f"/ar/requests/{ids['RE: Copy of invoice INV-10423']}")
    assert "expired unused" in page.text


def test_a_hostile_html_message_is_shown_as_inert_text(db, admin):
    handle(db, HOSTILE)
    with db.admin_session() as s:
        message_id = s.scalar(select(InboundMessage.id))
    page = admin.get(f"/ar/requests/{message_id}")
    assert "What do we owe?" in page.text
    assert "<script>alert" not in page.text and "onerror" not in page.text
    assert "tracker.example" not in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_original_downloads_as_eml_and_is_audited(db, admin):
    ids = _feed(db)
    message_id = ids["Our November newsletter"]
    response = admin.get(f"/ar/requests/{message_id}.eml")
    assert response.status_code == 200
    assert response.data == eml("newsletter_list.eml")
    assert response.headers["Content-Type"] == "message/rfc822"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    with db.admin_session() as s:
        actions = {(e.action, e.target, e.actor) for e in s.scalars(select(AuditEvent))}
    assert ("ar.request_download", f"inbound:{message_id}", "ar:ada@supplier.example") in actions


def test_states_come_from_the_enum(db, admin):
    page = admin.get("/ar/requests")
    for state in InboundStatus:
        assert f'value="{state.value}"' in page.text


def test_an_unknown_request_is_not_found(db, admin):
    assert admin.get("/ar/requests/999999").status_code == 404
    assert admin.get("/ar/requests?since=yesterday&after=junk").status_code == 200


def test_a_cursor_or_dates_at_the_ends_of_the_calendar_show_a_page_not_an_error(db, admin):
    everything = sorted(_feed(db).values(), reverse=True)
    # Times that name no moment in UTC (before the first day, after the last): ignored, as any
    # cursor that is not one — the first page.
    for cursor in ("0001-01-01T00:00:00%2B14:00~1", "9999-12-31T23:59:59-14:00~1"):
        page = admin.get(f"/ar/requests?after={cursor}")
        assert page.status_code == 200 and _ids(page.text) == everything
    # The first moment there is: nothing is older.
    first = admin.get("/ar/requests?after=0001-01-01T00:00:00%2B00:00~1")
    assert first.status_code == 200 and _ids(first.text) == []
    whole = admin.get("/ar/requests?since=0001-01-01&until=9999-12-31")
    assert whole.status_code == 200 and _ids(whole.text) == everything


POINTING = b"""From: Karen Whitlock <karen.whitlock@brookfield.example>
To: ar@supplier.example
Subject: RE: Payment reminder
Message-ID: <pointing-1@brookfield.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi,

Could you send me a copy of that one? It never reached us.

Karen

From: Accounts Receivable <ar@supplier.example>
Sent: Monday, November 23, 2026 9:00 AM
To: Karen Whitlock <karen.whitlock@brookfield.example>
Subject: Payment reminder

Dear Karen,

Invoice INV-10423 is now overdue.
"""


def test_the_request_page_says_the_invoices_came_from_the_quoted_thread(db, admin):
    decision = handle(db, POINTING)
    assert decision["understanding"]["invoice_numbers"] == ["INV-10423"]
    with db.admin_session() as s:
        message_id = s.scalars(select(InboundMessage.id)).one()
    text = admin.get(f"/ar/requests/{message_id}").text
    assert "INV-10423 (from the quoted thread)" in text
