"""The reply's envelope: subject, threading, the headers that stop loops, MIME structure."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest

from mailers import OWN_MAIL_HEADER, compose_reply, message_bytes, reply_subject
from mailers.brand import DEFAULT_BRAND
from tests.mailers.samples import INVOICE_COPIES, NOW, reply


def compose(subject="Invoice 10423", **kw):
    values = {
        "brand": DEFAULT_BRAND,
        "from_address": "ar@supplier.example",
        "to_address": "anna@customer.example",
        "in_reply_to": "<req-1@customer.example>",
        "references": ["<root@customer.example>"],
        "subject": subject,
        "now": NOW,
    }
    values.update(kw)
    return compose_reply(reply("en", INVOICE_COPIES), **values)


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Invoice 10423", "Re: Invoice 10423"),
        ("Re: Invoice 10423", "Re: Invoice 10423"),
        ("RE: Re: re: Invoice 10423", "Re: Invoice 10423"),
        ("AW: Rechnung 10423", "Re: Rechnung 10423"),
        ("SV: Faktura 10423", "Re: Faktura 10423"),
        ("Fwd: Invoice 10423", "Re: Invoice 10423"),
        ("RE: FW: Invoice 10423", "Re: Invoice 10423"),
        ("Re[2]: Invoice 10423", "Re: Invoice 10423"),
        ("WG: AW: Antw: Factuur 10423", "Re: Factuur 10423"),
        ("Regarding invoice 10423", "Re: Regarding invoice 10423"),
        ("Ref: PO 4711", "Re: Ref: PO 4711"),
        ("RIF: Fattura 10423", "Re: Fattura 10423"),
        ("   ", "Re: Your request"),
    ],
)
def test_the_subject_gets_exactly_one_re(original, expected):
    assert reply_subject(original) == expected


def test_it_threads_under_the_request():
    message = compose()
    assert message["In-Reply-To"] == "<req-1@customer.example>"
    assert message["References"] == "<root@customer.example> <req-1@customer.example>"


def test_it_does_not_repeat_the_parent_already_at_the_end_of_references():
    message = compose(references=["<root@c.example>", "<req-1@customer.example>"])
    assert message["References"] == "<root@c.example> <req-1@customer.example>"


def test_a_request_without_message_id_gets_no_threading_headers():
    message = compose(in_reply_to=None, references=[])
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_it_marks_itself_as_an_automatic_reply_from_ardesk():
    message = compose()
    assert message["Auto-Submitted"] == "auto-replied"
    assert message[OWN_MAIL_HEADER] == "1"
    assert message["Reply-To"] is None


def test_it_has_a_fresh_message_id_at_the_sender_domain_and_a_date():
    first, second = compose(), compose()
    assert first["Message-ID"].endswith("@supplier.example>")
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Date"] == "Sat, 15 Mar 2025 12:00:00 +0000"


def test_it_is_text_and_html_alternatives_addressed_to_the_contact():
    message = compose()
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert message["To"] == "Anna Weber <anna@customer.example>"
    assert message["From"] == "ardesk accounts receivable <ar@supplier.example>"


def test_its_bytes_survive_a_round_trip():
    message = compose(subject="Überweisung für Rechnung 10423")
    parsed = BytesParser(policy=policy.default).parsebytes(message_bytes(message))
    assert parsed["Subject"] == "Re: Überweisung für Rechnung 10423"
    assert "https://ar.supplier.example/l/tok123" in parsed.get_body(("plain",)).get_content()


def test_the_footer_is_transactional_without_an_unsubscribe_link():
    message = compose()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "automatic service message" in text
    assert "unsubscribe" not in (text + html).lower()
    assert message["List-Unsubscribe"] is None
