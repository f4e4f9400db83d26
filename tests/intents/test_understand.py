"""The shipped model and the whole `understand` path, offline."""

import json
import socket
from datetime import date

import pytest

from intents import INTENTS, Message, understand, understand_many
from intents.autoreply import is_auto_reply
from intents.language import detect
from intents.model import MODEL_DIR


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("understanding must not touch the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_the_shipped_model_is_in_the_repository_and_small():
    size = sum(path.stat().st_size for path in MODEL_DIR.rglob("*") if path.is_file())
    assert (MODEL_DIR / "config.cfg").exists()
    assert size < 25 * 1024 * 1024


def test_it_understands_a_copy_request_end_to_end():
    result = understand(
        "Copy of invoice 55123",
        "Hi,\n\nCould you resend it please?\n\nThanks,\nPat",
        date(2027, 3, 2),
    )
    data = json.loads(result.to_json())
    assert data["intents"] == ["invoice_copy"]
    assert data["invoice_numbers"] == ["55123"]
    assert set(data["confidence"]) == set(INTENTS)
    assert set(data) == {
        "language",
        "intents",
        "confidence",
        "invoice_numbers",
        "po_numbers",
        "period",
        "needs_human",
        "new_text",
        "candidates",
        "numbers_in_attachment",
        "document_format",
        "references_from_thread",
        "thread_ambiguous",
    }
    assert data["references_from_thread"] is False  # the number came from the subject
    assert data["document_format"] is None  # a copy, no e-invoice format asked for


@pytest.mark.parametrize(
    ("subject", "body", "intent"),
    [
        ("", "what's our current balance with you?", "balance"),
        ("Kontoauszug", "Bitte senden Sie uns einen aktuellen Kontoauszug.", "statement"),
        ("", "Avez-vous bien reçu notre virement pour la facture F2027/044 ?", "payment_status"),
        (
            "Factura duplicada",
            "Nos habéis facturado dos veces el mismo servicio: 2027/011 y 2027/012.",
            "dispute",
        ),
    ],
)
def test_it_classifies_common_requests(subject, body, intent):
    assert intent in understand(subject, body, date(2027, 3, 2)).intents


def test_an_out_of_office_is_an_auto_reply_with_no_references():
    result = understand(
        "Automatic reply: Reminder invoice 55123",
        "I am out of the office until Monday.",
        date(2027, 3, 2),
    )
    assert result.intents == ("auto_reply",)
    assert result.invoice_numbers == ()


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Abwesenheitsnotiz: Rechnung", "Ich bin bis 17.04. nicht im Büro."),
        ("Réponse automatique : relevé", "Je suis absent du bureau jusqu'au 27 avril."),
        ("Undeliverable: Statement", "Delivery has failed to these recipients."),
        ("Read: Statement of account", "Your message was read on 03/04/2027."),
        ("Re: invoice", "Sono assente dall'ufficio fino al 24 agosto."),
    ],
)
def test_auto_reply_rules(subject, body):
    assert is_auto_reply(subject, body)


def test_a_remittance_marked_do_not_reply_is_not_an_auto_reply():
    body = "PAYMENT ADVICE\nInvoice Number  Paid Amount\n71100231  1,240.00\nPlease do not reply."
    assert not is_auto_reply("Payment Notification", body)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Could you send me a copy of the invoice?", "en"),
        ("Könnten Sie mir bitte die Rechnung schicken?", "de"),
        ("Pourriez-vous m'envoyer la facture ?", "fr"),
        ("¿Me podéis reenviar la factura?", "es"),
        ("Kunnen jullie de factuur nog een keer sturen?", "nl"),
        ("Mi mandate la fattura per favore?", "it"),
        ("Podem reenviar a fatura, por favor?", "pt"),
    ],
)
def test_it_detects_the_language(text, language):
    assert detect(text) == language


def test_batches_keep_order_and_match_single_calls():
    messages = [
        Message("", "statement pls", date(2027, 3, 2)),
        Message("", "can u resend inv 3318", date(2027, 3, 2)),
    ]
    batch = understand_many(messages)
    assert [r.intents for r in batch] == [
        understand(m.subject, m.body, m.received).intents for m in messages
    ]


@pytest.mark.parametrize(
    ("body", "intents"),
    [
        (
            "Hi, could you send copies of INV-20418 and INV-20433, and what do we owe in total?",
            {"invoice_copy", "balance"},
        ),
        (
            "Hallo, bitte schicken Sie uns den Kontoauszug für November. Außerdem: ist unsere "
            "Zahlung für Rechnung 7741 schon eingegangen?",
            {"statement", "payment_status"},
        ),
        (
            "Bonjour, pouvez-vous nous renvoyer la facture 2026-311 ? Et quel est le solde "
            "actuel de notre compte ?",
            {"invoice_copy", "balance"},
        ),
    ],
)
def test_a_compound_request_keeps_each_part(body, intents):
    result = understand("", body, date(2026, 12, 1))
    assert set(result.intents) == intents


@pytest.mark.parametrize(
    "body",
    [
        "Hello, please note our bank details have changed. Pay invoice 4471 to the new account.",
        "Guten Tag, wir haben eine neue Bankverbindung. Bitte senden Sie uns auch Rechnung 4471.",
        "Bonjour, suite au changement de RIB, merci de nous renvoyer la facture 4471.",
    ],
)
def test_a_bank_detail_change_always_goes_to_a_person(body):
    result = understand("", body, date(2026, 12, 1))
    assert result.intents == ("other",)
    assert result.needs_human
    assert result.invoice_numbers == ()


@pytest.mark.parametrize(
    "body",
    [
        "Hi, please see attached remittance for today's payment. Regards, AP",
        "Guten Tag, anbei unser Zahlungsavis. Viele Grüße",
        "Buenos días, adjunto el listado de facturas que nos faltan, ¿nos las enviáis?",
    ],
)
def test_documents_only_in_an_attachment_are_flagged(body):
    result = understand("", body, date(2026, 12, 1))
    assert result.numbers_in_attachment
    assert result.invoice_numbers == ()


def test_an_attachment_beside_named_invoices_is_not_flagged():
    body = "Please find attached our remittance: it pays invoices 55101 and 55102."
    result = understand("Remittance", body, date(2026, 12, 1))
    assert not result.numbers_in_attachment
    assert result.invoice_numbers == ("55101", "55102")


def test_a_bare_number_is_a_candidate_for_the_account_to_confirm():
    result = understand("", "Hi, any news on 2026-0102? Thanks", date(2026, 12, 1))
    assert result.invoice_numbers == ()
    assert result.candidates == ("2026-0102",)
