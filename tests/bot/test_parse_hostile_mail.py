"""Mail built to break intake parsing: whatever it holds, ``parse_email`` returns a message (with
the problem named) rather than raising, and its work stays bounded, since intake parses before any
per-message deadline applies."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.channels.email.parse import MAX_HEADER_CHARS, parse_email
from intents import MAX_BODY_CHARS

BUDGET = 2.0  # seconds per message: generous for a slow machine; unbounded parsing took 20-36 s
HEADERS = b"To: ar@supplier.example\r\nMessage-ID: <hostile@bluewater-supplies.example>\r\n"
REQUEST = b"Please send a copy of invoice INV-10423."


class Overdue(BaseException):
    """Raised into the parser at the budget: a BaseException, so no ``except Exception`` in the
    code under test turns it into a result."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    def overdue(_signum, _frame):
        raise Overdue(f"still parsing after {seconds} s")

    previous = signal.signal(signal.SIGALRM, overdue)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_from_header_of_a_thousand_parentheses_is_a_parse_problem_not_an_error():
    raw = (
        b"From: hannah.wright@bluewater-supplies.com " + b"(" * 1000 + b"\r\n" + HEADERS
        + b"Subject: Copy of invoice\r\n\r\n" + REQUEST + b"\r\n"
    )  # fmt: skip
    inbound = parse_email(raw)
    assert inbound.parse_problem and "From" in inbound.parse_problem
    assert inbound.sender_problem  # never a verified sender
    assert inbound.raw == raw  # kept, to be handed to AR as it came


@pytest.mark.parametrize(
    "repeated",
    [b"Subject: Statement please\r\n", b"Message-ID: <second@bluewater-supplies.example>\r\n"],
    ids=["Subject", "Message-ID"],
)
def test_a_repeated_subject_or_message_id_is_read_as_the_first(repeated):
    # mail-parser gives a repeated header as a list: the whole message was unreadable, its
    # sender lost, and it went to AR as an unknown sender's.
    raw = (
        b"From: hannah.wright@bluewater-supplies.com\r\n" + HEADERS
        + b"Subject: Copy of invoice\r\n" + repeated + b"\r\n" + REQUEST + b"\r\n"
    )  # fmt: skip
    inbound = parse_email(raw)
    assert inbound.sender == "hannah.wright@bluewater-supplies.com"
    assert inbound.sender_problem is None
    assert inbound.subject == "Copy of invoice"
    assert inbound.message_id == "<hostile@bluewater-supplies.example>"
    assert inbound.text == REQUEST.decode()
    header = repeated.split(b":")[0].decode()
    assert inbound.parse_problem == f"2 {header} headers: the first read"


def _nested_lists() -> bytes:
    body = b"<p>" + REQUEST + b"</p>" + b"<ul><li>" * 12_500  # 100 KB
    return (
        b"From: a@bluewater-supplies.example\r\n" + HEADERS + b"Subject: Copy\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n" + body + b"\r\n"
    )  # fmt: skip


def _long_from_list() -> bytes:
    addresses = b"a@b.example, " * 80_000  # 1 MB
    return b"From: " + addresses + b"\r\n" + HEADERS + b"Subject: Copy\r\n\r\n" + REQUEST


def _encoded_word_subject() -> bytes:
    words = b" ".join([b"=?utf-8?b?SGVsbG8=?="] * 50_000)  # 1 MB
    return b"From: a@b.example\r\n" + HEADERS + b"Subject: " + words + b"\r\n\r\n" + REQUEST


@pytest.mark.parametrize(
    "build", [_nested_lists, _long_from_list, _encoded_word_subject], ids=lambda b: b.__name__
)
def test_a_hostile_message_is_read_in_bounded_time_and_text(build):
    raw = build()
    started = time.monotonic()
    with within(BUDGET):
        inbound = parse_email(raw)
    assert time.monotonic() - started < BUDGET
    assert len(inbound.text) <= MAX_BODY_CHARS
    assert len(inbound.subject) <= MAX_HEADER_CHARS
    assert inbound.text.startswith(REQUEST.decode())  # what the sender asks is still read


def test_an_over_long_from_header_never_names_a_verified_sender():
    inbound = parse_email(_long_from_list())
    assert inbound.sender_problem
    assert "from" in (inbound.parse_problem or "")
