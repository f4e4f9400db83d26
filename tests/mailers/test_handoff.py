"""The hand-off to AR: the parsed request on top, the original attached byte for byte."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from mailers import (
    OWN_MAIL_HEADER,
    HandoffRequest,
    compose_delivery_problem,
    compose_handoff,
    message_bytes,
)
from mailers.brand import DEFAULT_BRAND
from tests.mailers.samples import NOW

ORIGINAL = (
    b"Return-Path: <anna@customer.example>\r\n"
    b"From: =?utf-8?q?Anna_M=C3=BCller?= <anna@customer.example>\r\n"
    b"To: ar@supplier.example\r\n"
    b"Subject: Rechnung 10423 ist falsch\r\n"
    b"Message-ID: <req-7@customer.example>\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Die Menge auf Rechnung 10423 stimmt nicht. Gr\xfc\xdfe, Anna\r\n"
)
REQUEST = HandoffRequest(
    sender="anna@customer.example",
    sender_name="Anna Müller",
    status="verified",
    reason="dispute",
    subject="Rechnung 10423 ist falsch",
    contact="Anna Müller",
    account="C-1001 (Müller Maschinenbau GmbH)",
    role="ap_contact",
    language="de",
    intents=(("dispute", 0.91), ("invoice_copy", 0.12)),
    invoice_refs=("10423",),
    period=None,
    message_id="<req-7@customer.example>",
    notes=("ardesk replied to the customer as well.",),
)


def compose(request=REQUEST, original=ORIGINAL):
    return compose_handoff(
        request,
        original,
        brand=DEFAULT_BRAND,
        from_address="ardesk@supplier.example",
        ar_address="ar-team@supplier.example",
        now=NOW,
    )


def test_it_puts_the_parsed_request_on_top():
    message = compose()
    body = message.get_body(("plain",)).get_content()
    assert "Sender:      Anna Müller <anna@customer.example>" in body
    assert "Status:      verified" in body
    assert "Account:     C-1001 (Müller Maschinenbau GmbH)" in body
    assert "Role:        ap_contact" in body
    assert "Language:    de" in body
    assert "Intents:     dispute (0.91), invoice_copy (0.12)" in body
    assert "Invoices:    10423" in body
    assert "Reason:      dispute" in body
    assert "ardesk replied to the customer as well." in body


def test_it_goes_to_ar_with_reply_to_the_sender():
    message = compose()
    assert message["To"] == "ar-team@supplier.example"
    assert message["Reply-To"] == "Anna Müller <anna@customer.example>"
    assert message["Subject"] == "[ardesk hand-off: dispute] Rechnung 10423 ist falsch"
    assert message[OWN_MAIL_HEADER] == "1"  # if AR's mailbox feeds ardesk, it is not answered


def test_the_original_is_attached_byte_for_byte():
    wire = message_bytes(compose())
    assert ORIGINAL in wire
    parsed = BytesParser(policy=policy.default).parsebytes(wire)
    attachment = next(part for part in parsed.iter_attachments())
    assert attachment.get_content_type() == "message/rfc822"
    attached = attachment.get_content()
    assert attached["Message-ID"] == "<req-7@customer.example>"
    assert attached["Subject"] == "Rechnung 10423 ist falsch"


def test_an_unknown_sender_reads_as_unknown_with_nothing_invented():
    request = HandoffRequest(
        sender="x@elsewhere.example", status="unknown", reason="unknown_sender"
    )
    body = compose(request).get_body(("plain",)).get_content()
    assert "Status:      unknown" in body
    assert "Account:" not in body and "Contact:" not in body
    assert "Intents:     none recognised" in body


def test_it_can_be_built_from_a_decision_record():
    decision = {
        "message_id": "<req-7@customer.example>",
        "sender": {
            "email": "anna@customer.example",
            "status": "unverified",
            "contact": "Anna Müller",
            "account": "C-1001",
            "role": "ap_contact",
        },
        "understanding": {
            "language": "de",
            "intents": ["balance"],
            "confidence": {"balance": 0.8, "other": 0.1},
            "invoice_numbers": [],
            "po_numbers": ["PO-9"],
            "period": {"start": "2025-07-01", "end": "2025-09-30"},
        },
    }
    request = HandoffRequest.from_decision(decision, reason="unverified", subject="Saldo")
    assert request.status == "unverified"
    assert request.intents == (("balance", 0.8),)
    assert request.po_refs == ("PO-9",)
    assert request.period == "2025-07-01 – 2025-09-30"


def test_a_delivery_problem_tells_ar_and_attaches_the_undelivered_email():
    undelivered = b"From: ar@supplier.example\r\nSubject: Re: Rechnung\r\n\r\nHallo\r\n"
    message = compose_delivery_problem(
        original=undelivered,
        recipient="anna@customer.example",
        reason="550 5.1.1 Mailbox unavailable",
        from_address="ardesk@supplier.example",
        to_address="ar-team@supplier.example",
    )
    body = message.get_body(("plain",)).get_content()
    assert "could not deliver an email to anna@customer.example" in body
    assert "550 5.1.1 Mailbox unavailable" in body
    assert message["Subject"] == "[ardesk undeliverable] Re: Rechnung"
    assert undelivered in message_bytes(message)
