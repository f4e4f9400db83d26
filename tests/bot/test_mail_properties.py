"""Properties of the mail path over messages nobody wrote by hand: raw bytes, and structured MIME
with nesting, charsets, transfer encodings, header injection and huge parts. Whatever arrives,
parsing raises nothing, the message is stored, the worker decides it (answered, handed off or
ignored, with a decision record) within the deadline, and no reply goes anywhere but to an
address on file or to AR.

A fixed number of examples from a derandomized search keeps the run short and repeatable.
"""

from __future__ import annotations

import base64
import quopri
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.channels.email.parse import parse_email
from bot.store import claim_one, store
from bot.worker import Worker
from core.models import Contact, InboundMessage, InboundStatus, OutboundMessage

DEADLINE = 5  # seconds: the setting under test, kept short
FINAL = {InboundStatus.answered, InboundStatus.handed_off, InboundStatus.ignored}
EXAMPLES = settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,  # the budget is asserted below, per message, on the worker's own clock
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "gb2312", "bogus-8"]
SENDERS = [
    "Karen Whitlock <karen.whitlock@brookfield.example>",
    "karen.whitlock@brookfield.example, attacker@evil.example",
    "=?utf-8?b?S2FyZW4=?= <karen.whitlock@brookfield.example>",
    "undisclosed-recipients:;",
    "<karen.whitlock@brookfield.example>@evil.example",
    "stranger@elsewhere.example",
    "not an address at all",
    "",
]
TEXTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.sampled_from(
    [
        "Please send a copy of invoice INV-10423.",
        "On Mon, Karen wrote:\n> Hi\n> please\nHello, statement for Q3?",
        "What do we owe you?\r\nBcc: attacker@evil.example",
    ]
)


@st.composite
def leaf(draw) -> bytes:
    kind = draw(st.sampled_from(["text/plain", "text/html", "application/pdf", "message/rfc822"]))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-bogus"]))
    text = draw(TEXTS)
    if draw(st.integers(0, 9)) == 0:  # now and then a huge part: one line of up to 2 MB
        text += draw(st.sampled_from(["a", "INV-1 ", "((((", "\u00e9"])) * draw(
            st.integers(10_000, 2_000_000)
        )
    if kind == "text/html":
        text = f"<html><body><p>{text}</p></body></html>"
    body = text.encode("utf-8" if charset == "bogus-8" else charset, errors="replace")
    if encoding == "base64":
        body = base64.encodebytes(body)
    elif encoding == "quoted-printable":
        body = quopri.encodestring(body)
    header = f"Content-Type: {kind}; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n"
    return header.encode() + b"\r\n" + body


@st.composite
def mime_part(draw, depth: int = 0) -> bytes:
    if depth >= 4 or not draw(st.booleans()):
        return draw(leaf())
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "signed"]))
    boundary = f"=_b{depth}_{draw(st.integers(0, 999))}"
    children = draw(st.lists(mime_part(depth + 1), max_size=3))
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    for child in children:
        out += f"--{boundary}\r\n".encode() + child + b"\r\n"
    if draw(st.booleans()):  # a closing boundary is often missing in the wild
        out += f"--{boundary}--\r\n".encode()
    return out


@st.composite
def structured(draw) -> bytes:
    subject = draw(TEXTS).replace("\r", "").replace("\n", "\r\n ")  # folded, or injected
    if draw(st.booleans()):
        subject += "\r\nBcc: attacker@evil.example"
    headers = (
        f"From: {draw(st.sampled_from(SENDERS))}\r\n"
        "To: ar@supplier.example\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <prop-{draw(st.integers(0, 10**9))}@test.example>\r\n"
        f"Reply-To: {draw(st.sampled_from(SENDERS))}\r\n"
        "MIME-Version: 1.0\r\n"
    )
    return headers.encode("utf-8", errors="replace") + draw(mime_part())


@pytest.fixture
def worker(world):
    world.settings = world.settings.replace(message_deadline=f"{DEADLINE}s", worker_lease="1m")
    bot = Worker(world, world.settings, send=lambda row: None)
    bot.decider.start()
    yield bot
    bot.close()


def _addresses_on_file(db) -> set[str]:
    with db.admin_session() as s:
        return set(s.scalars(select(Contact.email))) | {"ar-team@supplier.example"}


def _check_mail_path(db, worker: Worker, raw: bytes) -> None:
    inbound = parse_email(raw)  # never raises
    message_id, created = store(db, inbound)
    if created:
        assert claim_one(db, message_id)
        started = time.monotonic()
        worker.decide(message_id)
        took = time.monotonic() - started
        assert took < DEADLINE + 5, f"took {took:.1f} s"
    with db.admin_session() as s:
        row = s.get(InboundMessage, message_id)
        assert row.status in FINAL, f"left {row.status.value} ({row.error})"
        assert row.decision, "no decision record"
        recipients = set(
            s.scalars(
                select(OutboundMessage.recipient).where(
                    OutboundMessage.inbound_message_id == message_id
                )
            )
        )
    assert recipients <= _addresses_on_file(db), recipients


@EXAMPLES
@given(raw=st.binary(max_size=4096) | st.binary(max_size=2048).map(lambda b: b"From: x@y\r\n" + b))
# A NUL in the subject and the body (once failing its storing on PostgreSQL).
@example(raw=b"From: a@b.example\r\nSubject: copy\x00\r\nMessage-ID: <n@b>\r\n\r\nINV-1\x00\r\n")
def test_any_bytes_are_stored_and_decided_in_time(world, worker, raw):
    _check_mail_path(world, worker, raw)


@EXAMPLES
@given(raw=structured())
def test_any_mime_is_stored_and_decided_in_time_and_answered_only_on_file(world, worker, raw):
    _check_mail_path(world, worker, raw)
