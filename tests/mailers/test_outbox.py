"""Composed email goes to the outbox in the caller's transaction, pending, never sent inline."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from sqlalchemy import select

from core.models import OutboundMessage, OutboundStatus
from mailers import compose_reply, queue_email
from mailers.brand import DEFAULT_BRAND
from tests.mailers.samples import INVOICE_COPIES, NOW, reply
from tests.support import builders


def test_queue_email_writes_a_pending_outbox_row(db):
    message = compose_reply(
        reply("de", INVOICE_COPIES),
        brand=DEFAULT_BRAND,
        from_address="ar@supplier.example",
        to_address="anna@customer.example",
        in_reply_to="<req@customer.example>",
        references=[],
        subject="Rechnung 10423",
        now=NOW,
    )
    with db.admin_session() as session:
        account = builders.account(session, "C-1", "Müller Maschinenbau GmbH")
        row = queue_email(
            session, message, account_id=account.id, recipient="anna@customer.example"
        )
        row_id, account_id = row.id, account.id

    with db.admin_session() as session:
        stored = session.scalars(select(OutboundMessage)).one()
        assert stored.id == row_id
        assert stored.account_id == account_id
        assert stored.status is OutboundStatus.pending
        assert stored.channel == "email"
        assert stored.recipient == "anna@customer.example"
        assert stored.subject == "Re: Rechnung 10423"
        assert stored.attempts == 0
        parsed = BytesParser(policy=policy.default).parsebytes(stored.payload)
        assert parsed["Message-ID"] == message["Message-ID"]
        assert b"\r\n" in stored.payload


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(db):
    message = compose_reply(
        reply("en", INVOICE_COPIES),
        brand=DEFAULT_BRAND,
        from_address="ar@supplier.example",
        to_address="anna@customer.example",
        in_reply_to=None,
        references=[],
        subject="Invoice",
    )
    try:
        with db.admin_session() as session:
            queue_email(session, message, account_id=None, recipient="anna@customer.example")
            raise RuntimeError("the pipeline failed after queueing")
    except RuntimeError:
        pass
    with db.admin_session() as session:
        assert session.scalars(select(OutboundMessage)).all() == []
