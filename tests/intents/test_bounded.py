"""Hostile mail cannot stall or crash understanding: work is bounded in the input's size.

Each check runs in a forked child with a generous time box: a backtracking pattern or a recursion
shows up as a child that is still running (or dead) when the box closes, never as a hung suite.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import intents
from ardesk.commands.intents import classify
from intents import Message, understand, understand_many
from intents.model import load
from intents.newtext import new_text

#: Far above what any of these takes when bounded (well under a second), far below a hang.
TIME_BOX = 20.0
TWO_MB = 2_000_000
RECEIVED = date(2026, 11, 29)
THUNDERBIRD_REPLY = (
    "On 28/11/2026 16:02, Accounts Receivable <ar@supplier.example> wrote:\n"
    "> Hi Jo,\n"
    "> please find attached our reminder for invoice 10423.\n"
    "\n"
    "Hello,\n"
    "could you send us a copy of invoice 10423? We cannot find it.\n"
)


def _understand_body(body: str) -> None:
    result = understand("", body, RECEIVED)
    assert len(result.new_text) <= intents.MAX_NEW_TEXT_CHARS


def finishes_in_time(function, *args, box: float = TIME_BOX) -> bool:
    """True when function(*args) returns without raising inside the time box (in a child)."""
    load()  # the child inherits the loaded model instead of loading its own
    child = multiprocessing.get_context("fork").Process(target=function, args=args)
    child.start()
    child.join(box)
    if child.is_alive():
        child.kill()
        child.join()
        return False
    return child.exitcode == 0


HOSTILE_BODIES = {
    "one 2 MB line of letters": "a" * TWO_MB,
    "one 2 MB line of words and numbers": "invoice 10423 please " * (TWO_MB // 21),
    "2 MB of digits": "7" * TWO_MB,
    "2 MB of digits and separators": "1-2/3.4 " * (TWO_MB // 8),
    "2 MB of separated digits without a space": "1-2/3.4-" * (TWO_MB // 8),
    "2 MB of thousands groups": "1,234" * (TWO_MB // 5),
    "2 MB of number signs without an @": "n°" * (TWO_MB // 2),
    "2 MB of quote markers on one line": ">" * TWO_MB,
    "quote markers on 500,000 lines": "> x\n" * (TWO_MB // 4),
    "deeply repeated quote markers": "\n".join(">" * depth + " hi" for depth in range(2_000)),
    "a table header padded with 2 MB of spaces": "Invoice" + " " * TWO_MB + "Date Amount",
    "2 MB of phone-like groups": "+1 " * (TWO_MB // 3),
    "2 MB of header lines": "From: x\nDate: y\n" * (TWO_MB // 16),
    # One word of what spaCy's tokenizer strips from a word's ends (quadratic in its length).
    "2 MB of apostrophes": "Please send invoice 10423 " + "'" * TWO_MB,
    "2 MB of mixed punctuation": "invoice 10423 " + "()[]{}\"!?,;:*%$€+#<>«»¿&" * (TWO_MB // 24),
    "2 MB of 's": "invoice 10423 " + "'s" * (TWO_MB // 2),
    "2 MB of apostrophes and underscores": "invoice 10423 " + "'_" * (TWO_MB // 2),
    "a pointer at 2 MB of quoted invoice numbers": "Please send copies of those.\n\n"
    "On Mon, 23 Nov 2026, AR <ar@x.example> wrote:\n"
    + "> invoice 10423 of 12/11/2026, 10424 and\n"
    * (TWO_MB // 40),
    "a pointer at 2 MB of one quoted line": "Could you resend that one?\n\n"
    "On Mon, 23 Nov 2026, AR <ar@x.example> wrote:\n> invoices "
    + "10423 12/11/2026, "
    * (TWO_MB // 18),
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_a_hostile_body_is_understood_in_bounded_time(body):
    assert finishes_in_time(_understand_body, body)


def test_a_hostile_subject_is_read_only_up_to_its_bound():
    assert finishes_in_time(understand, "RE: " * TWO_MB + "1-2/" * TWO_MB, "hi", RECEIVED)


def test_understanding_reads_at_most_the_stated_new_text():
    request = "Please send a copy of invoice 10423.\n"
    result = understand("", request + "x " * TWO_MB + "\ninvoice 99999 too", RECEIVED)
    assert result.new_text.startswith("Please send a copy of invoice 10423.")
    assert len(result.new_text) <= intents.MAX_NEW_TEXT_CHARS
    # Far beyond the bound, a number is not read.
    assert "99999" not in result.invoice_numbers


def _all_patterns() -> list[tuple[str, re.Pattern[str]]]:
    import intents.attribution
    import intents.autoreply
    import intents.formats
    import intents.language
    import intents.model
    import intents.newtext
    import intents.notices
    import intents.periods
    import intents.references
    import intents.tables
    import intents.thread
    import intents.understand

    found = []
    modules = (
        intents.attribution,
        intents.autoreply,
        intents.formats,
        intents.language,
        intents.model,
        intents.newtext,
        intents.notices,
        intents.periods,
        intents.references,
        intents.tables,
        intents.thread,
        intents.understand,
    )
    for module in modules:
        for name, value in vars(module).items():
            for pattern in _patterns_in(value):
                found.append((f"{module.__name__}.{name}", pattern))
    return found


def _patterns_in(value: object) -> list[re.Pattern[str]]:
    """The patterns in a module value: one, or in a tuple, list or dict (and pairs in them)."""
    if isinstance(value, re.Pattern):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, tuple | list):
        return [
            p for item in value if isinstance(item, re.Pattern | tuple) for p in _patterns_in(item)
        ]
    return []


PATTERN_ATTACKS = (
    "a" * 50_000,
    "7" * 50_000,
    "1-" * 25_000,
    "1.2/" * 12_500,
    "12 " * 16_000,
    " " * 50_000,
    "\t1" * 25_000,
    "\n" * 50_000,
    "a@" * 25_000,
    "n°" * 25_000,
    "1,234" * 10_000,
    "on x " * 10_000,
    "| 1 " * 12_500,
)


def _scan_every_pattern() -> None:
    for _, pattern in _all_patterns():
        for attack in PATTERN_ATTACKS:
            for _ in pattern.finditer(attack):
                pass


def test_every_pattern_in_intents_runs_in_linear_time():
    # 50,000 characters: a pattern that rescans from each position needs ~10^9 steps and runs
    # for minutes; the whole linear scan (70-odd patterns, 13 attacks) takes a few seconds, and
    # under 30 on a machine shared by several test runs.
    assert len(_all_patterns()) > 60
    assert finishes_in_time(_scan_every_pattern, box=120.0)


@pytest.mark.parametrize(
    "body",
    [
        THUNDERBIRD_REPLY,
        "On Mon, 1 Jan 2026, Bob <b@example.com> wrote:\n> Hi\nHello",
        "> Hi\nHello",
        "On Mon, 1 Jan 2026, Bob wrote:\nOn Mon, 1 Jan 2026, Bob wrote:\n" * 50,
        "-----Original Message-----\n" * 100,
        "---------- Forwarded message ----------\n" * 100 + "see below",
    ],
)
def test_a_quote_first_body_does_not_recurse(body):
    new_text(body)  # raised RecursionError before


def test_an_answer_written_below_the_quote_is_the_new_text():
    result = understand("Re: Reminder", THUNDERBIRD_REPLY, RECEIVED)
    assert result.new_text.startswith("Hello,\ncould you send us a copy of invoice 10423?")
    assert "please find attached" not in result.new_text
    assert result.intents == ("invoice_copy",)
    assert result.invoice_numbers == ("10423",)


def test_one_quote_first_message_does_not_cost_the_batch(tmp_path):
    rows = [
        {"id": "before", "subject": "Statement", "body": "statement please"},
        {"id": "thunderbird", "subject": "Re: Reminder", "body": THUNDERBIRD_REPLY},
        {"id": "huge", "subject": "", "body": "1-2/3.4 " * 100_000},
        {"id": "after", "subject": "", "body": "what do we owe you?"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = CliRunner().invoke(classify, ["--jsonl", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["before", "thunderbird", "huge", "after"]
    assert all("error" not in line for line in lines)
    assert lines[1]["invoice_numbers"] == ["10423"]


# Fragments of real mail that the rules react to, for hypothesis to put together in any order.
_FRAGMENTS = st.sampled_from(
    [
        "\n",
        "> ",
        ">",
        "On Mon, 3 May 2027 at 10:00, AR <ar@example.com> wrote:\n",
        "Am 03.05.2027 um 10:00 schrieb AR <ar@example.de>:\n",
        "From: AR\nSent: Monday\n",
        "-----Original Message-----\n",
        "---------- Forwarded message ----------\n",
        "please see below\n",
        "Kind regards,\n",
        "Sent from my iPhone\n",
        "invoice ",
        "Rechnung Nr. ",
        "INV-",
        "RE-2026-",
        "10423",
        "2026/0042",
        "1.234,56 €",
        "| ",
        "Invoice #  | Date | Amount\n",
        "statement for Q3 2026",
        "what do we owe",
        "\t",
        "  ",
        "#",
        "n°",
        "@",
    ]
)
_MAIL_LIKE = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=st.text(max_size=200), body=st.one_of(st.text(max_size=3_000), _MAIL_LIKE))
def test_understanding_never_raises_and_stays_bounded(subject, body):
    result = understand(subject, body, RECEIVED)
    assert len(result.new_text) <= intents.MAX_NEW_TEXT_CHARS
    assert set(result.intents) <= set(intents.INTENTS) and result.intents
    assert all(0.0 <= value <= 1.0 for value in result.confidence.values())
    # A reference is always something the sender wrote.
    for number in result.invoice_numbers + result.po_numbers:
        assert number in subject or number in body


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=400), _MAIL_LIKE), min_size=1, max_size=8))
def test_a_batch_answers_every_message_in_order(bodies):
    results = understand_many([Message("", body, RECEIVED) for body in bodies])
    assert len(results) == len(bodies)
