"""A NUL character in a mail's text (quoted-printable ``=00``, or a raw byte in the body or the
subject) is not a character PostgreSQL's text can hold: the message is still understood,
stored and answered."""

from __future__ import annotations

from sqlalchemy import select

from core.models import InboundMessage, InboundStatus
from tests.bot.conftest import world  # noqa: F401 - the bot's scenario world
from tests.bot.support import handle


def _mail(subject: bytes, body: bytes, transfer: bytes = b"8bit") -> bytes:
    return (
        b"From: Karen Whitlock <karen.whitlock@brookfield.example>\r\n"
        b"To: ar@supplier.example\r\nSubject: " + subject + b"\r\n"
        b"Message-ID: <nul-1@brookfield.example>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: " + transfer +
        b"\r\n\r\n" + body + b"\r\n"
    )  # fmt: skip


def test_a_mail_with_nul_characters_is_stored_and_decided(db, world):  # noqa: F811
    body = b"Please send a copy=00 of invoice INV-1=00."
    decision = handle(db, _mail(b"Copy\x00 of invoice", body, b"quoted-printable"))
    assert decision
    with db.admin_session() as s:
        stored = s.scalars(select(InboundMessage)).one()
        assert stored.status is not InboundStatus.received and "\x00" not in stored.subject


def test_no_text_of_an_inbound_message_keeps_a_nul_character():
    from datetime import UTC, datetime

    from bot.inbound import Attachment, ChatOrigin, Inbound

    inbound = Inbound(
        channel="slack", dedupe_key="Ev\x001", sender="slack:T1/U1",
        received_at=datetime(2026, 11, 30, tzinfo=UTC), subject="s\x00", text="copy\x00 INV-1",
        references=("<a\x00@b>",), headers={"x-h\x00": ("v\x00",)},
        attachments=(Attachment("n\x00.pdf", "application/pdf", 1),),
        chat=ChatOrigin(workspace="T1", conversation="C\x00", user="U1", kind="direct"),
    )  # fmt: skip
    assert inbound.text == "copy\ufffd INV-1" and inbound.dedupe_key == "Ev\ufffd1"
    texts = [inbound.subject, *inbound.references, *inbound.headers, *inbound.headers["x-h\ufffd"],
             inbound.attachments[0].name, inbound.chat.conversation]  # fmt: skip
    assert all("\x00" not in text and "\ufffd" in text for text in texts)
