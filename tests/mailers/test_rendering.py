"""Every answer, rendered in every language, says what a customer should read."""

from __future__ import annotations

import re
from html import unescape

import pytest

from core import answers as a
from mailers import compose_reply
from mailers.brand import DEFAULT_BRAND
from mailers.i18n import LOCALES
from tests.mailers.samples import (
    ACCESS,
    ALL_ANSWERS,
    BALANCE,
    DISPUTE,
    HANDED_OFF,
    INVOICE_COPIES,
    INVOICE_LIST,
    NOT_PERMITTED,
    NOW,
    OPEN_ITEMS_STATEMENT,
    PAYMENT_STATUS,
    STATEMENT,
    UNVERIFIED,
    invoice,
    link,
    reply,
)

NBSP, NNBSP = "\u00a0", "\u202f"

# What a customer reads, per language: the greeting, money and dates the Babel way, and the
# sentences that carry each answer.
EXPECTED = {
    "en": {
        "greeting": "Dear Anna Weber,",
        "money": "€1,234.56",
        "due": "Due date: 3 Mar 2025",
        "not_found": "We could not find 99999 on your account.",
        "lifetime": "valid for 48 hours (until 17 Mar 2025, 12:00 UTC)",
        "list": "your open invoices from 1 Mar 2025 to 31 Mar 2025",
        "statement": "statement from 1 Jul 2025 to 30 Sept 2025",
        "open_items": "statement of open items as of 15 Mar 2025",
        "bucket": "1 to 30 days overdue",
        "payment": "€1,000.00 received on 10 Mar 2025 (reference REM-881)",
        "dispute": "We have passed your query to our accounts receivable team",
        "handoff": "We have passed your request to our accounts receivable team.",
        "unverified": "we cannot send account information in reply to this message",
        "access": "ask a registered colleague at customer.example",
        "not_permitted": "Your access does not include invoice documents.",
        "closing": "Kind regards,",
    },
    "de": {
        "greeting": "Guten Tag Anna Weber,",
        "money": f"1.234,56{NBSP}€",
        "due": "Fälligkeitsdatum: 03.03.2025",
        "not_found": "Die Nummer 99999 haben wir auf Ihrem Konto nicht gefunden.",
        "lifetime": "48 Stunden gültig (bis 17.03.2025, 12:00 UTC)",
        "list": "Ihren offenen Rechnungen vom 01.03.2025 bis zum 31.03.2025",
        "statement": "Kontoauszug vom 01.07.2025 bis zum 30.09.2025",
        "open_items": "offenen Posten zum 15.03.2025",
        "bucket": "1 bis 30 Tage überfällig",
        "payment": f"1.000,00{NBSP}€ erhalten am 10.03.2025 (Referenz REM-881)",
        "dispute": "an unsere Debitorenbuchhaltung weitergeleitet",
        "handoff": "Wir haben Ihre Anfrage an unsere Debitorenbuchhaltung weitergeleitet.",
        "unverified": "keine Kontoinformationen senden",
        "access": "registrierten Kollegen bei customer.example",
        "not_permitted": "Ihr Zugang umfasst keine Rechnungsdokumente.",
        "closing": "Mit freundlichen Grüßen",
    },
    "fr": {
        "greeting": "Bonjour Anna Weber,",
        "money": f"1{NNBSP}234,56{NBSP}€",
        "due": f"Date d'échéance{NBSP}: 3 mars 2025",
        "not_found": "Nous n'avons pas trouvé 99999 sur votre compte.",
        "lifetime": "valable 48 heures (jusqu'au 17 mars 2025, 12:00 UTC)",
        "list": "vos factures non réglées du 1 mars 2025 au 31 mars 2025",
        "statement": "relevé de compte du 1 juil. 2025 au 30 sept. 2025",
        "open_items": "factures non réglées au 15 mars 2025",
        "bucket": "En retard de 1 à 30 jours",
        "payment": f"1{NNBSP}000,00{NBSP}€ reçus le 10 mars 2025 (référence REM-881)",
        "dispute": "à notre service comptabilité clients, qui l'examinera",
        "handoff": "Nous avons transmis votre demande à notre service comptabilité clients.",
        "unverified": "nous ne pouvons pas transmettre d'informations sur votre compte",
        "access": "collègue déjà enregistré chez customer.example",
        "not_permitted": "Votre accès n'inclut pas les documents de facture.",
        "closing": "Cordialement,",
    },
    "es": {
        "greeting": "Buenos días, Anna Weber:",
        "money": f"1.234,56{NBSP}€",
        "due": "Fecha de vencimiento: 3 mar 2025",
        "not_found": "No hemos encontrado 99999 en su cuenta.",
        "lifetime": "válido durante 48 horas (hasta el 17 mar 2025, 12:00 UTC)",
        "list": "sus facturas pendientes del 1 mar 2025 al 31 mar 2025",
        "statement": "extracto de cuenta del 1 jul 2025 al 30 sept 2025",
        "open_items": "partidas pendientes a 15 mar 2025",
        "bucket": "De 1 a 30 días de retraso",
        "payment": f"1.000,00{NBSP}€ recibidos el 10 mar 2025 (referencia REM-881)",
        "dispute": "Hemos remitido su consulta a nuestro departamento de cuentas por cobrar",
        "handoff": "Hemos remitido su solicitud a nuestro departamento de cuentas por cobrar.",
        "unverified": "no podemos enviar información de su cuenta",
        "access": "compañero ya registrado de customer.example",
        "not_permitted": "Su acceso no incluye documentos de factura.",
        "closing": "Atentamente,",
    },
    "nl": {
        "greeting": "Geachte Anna Weber,",
        "money": f"€{NBSP}1.234,56",
        "due": "Vervaldatum: 3 mrt 2025",
        "not_found": "Wij hebben 99999 niet op uw account gevonden.",
        "lifetime": "48 uur geldig (tot 17 mrt 2025, 12:00 UTC)",
        "list": "uw openstaande facturen van 1 mrt 2025 tot en met 31 mrt 2025",
        "statement": "rekeningoverzicht van 1 jul 2025 tot en met 30 sep 2025",
        "open_items": "openstaande posten per 15 mrt 2025",
        "bucket": "1 tot 30 dagen vervallen",
        "payment": f"€{NBSP}1.000,00 ontvangen op 10 mrt 2025 (referentie REM-881)",
        "dispute": "Wij hebben uw vraag doorgestuurd naar onze debiteurenadministratie",
        "handoff": "Wij hebben uw verzoek doorgestuurd naar onze debiteurenadministratie.",
        "unverified": "geen accountgegevens versturen",
        "access": "geregistreerde collega bij customer.example",
        "not_permitted": "Uw toegang omvat geen factuurdocumenten.",
        "closing": "Met vriendelijke groet,",
    },
    "it": {
        "greeting": "Gentile Anna Weber,",
        "money": f"1.234,56{NBSP}€",
        "due": "Data di scadenza: 3 mar 2025",
        "not_found": "Non abbiamo trovato 99999 sul Suo conto.",
        "lifetime": "valido per 48 ore (fino al 17 mar 2025, 12:00 UTC)",
        "list": "le Sue fatture aperte dal 1 mar 2025 al 31 mar 2025",
        "statement": "estratto conto dal 1 lug 2025 al 30 set 2025",
        "open_items": "partite aperte al 15 mar 2025",
        "bucket": "Scaduto da 1 a 30 giorni",
        "payment": f"1.000,00{NBSP}€ ricevuti il 10 mar 2025 (riferimento REM-881)",
        "dispute": "Abbiamo inoltrato la Sua richiesta al nostro ufficio contabilità clienti",
        "handoff": "Un collaboratore La ricontatterà.",
        "unverified": "non possiamo inviare informazioni sul conto",
        "access": "collega già registrato presso customer.example",
        "not_permitted": "Il Suo accesso non comprende i documenti delle fatture.",
        "closing": "Cordiali saluti,",
    },
    "pt": {
        "greeting": "Estimado(a) Anna Weber,",
        "money": f"1{NBSP}234,56{NBSP}€",
        "due": "Data de vencimento: 03/03/2025",
        "not_found": "Não encontrámos 99999 na sua conta.",
        "lifetime": "válido durante 48 horas (até 17/03/2025, 12:00 UTC)",
        "list": "as suas faturas em aberto de 01/03/2025 a 31/03/2025",
        "statement": "extrato de conta de 01/07/2025 a 30/09/2025",
        "open_items": "partidas em aberto a 15/03/2025",
        "bucket": "Vencido há 1 a 30 dias",
        "payment": f"1{NBSP}000,00{NBSP}€ recebidos em 10/03/2025 (referência REM-881)",
        "dispute": "Encaminhámos a sua questão para a nossa equipa de contas a receber",
        "handoff": "Encaminhámos o seu pedido para a nossa equipa de contas a receber.",
        "unverified": "não podemos enviar informações da conta",
        "access": "colega já registado em customer.example",
        "not_permitted": "O seu acesso não inclui documentos de faturas.",
        "closing": "Com os melhores cumprimentos,",
    },
}
LANGUAGES = sorted(LOCALES)


def render(language: str, *answers: a.Answer, name: str | None = "Anna Weber") -> tuple[str, str]:
    message = compose_reply(
        reply(language, *answers, name=name),
        brand=DEFAULT_BRAND,
        from_address="ar@supplier.example",
        to_address="anna@customer.example",
        in_reply_to="<req@customer.example>",
        references=[],
        subject="Invoice 10423",
        now=NOW,
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def visible(html: str) -> str:
    """The HTML as characters (entities decoded), whitespace collapsed."""
    return squeeze(unescape(html))


def url_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip().startswith("https://")}


def squeeze(text: str) -> str:
    """Line breaks and runs of ASCII spaces as one space; no-break spaces stay as they are."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def says(text: str, phrase: str) -> bool:
    """The text part is wrapped at 76 columns: compare sentences, not line breaks."""
    return squeeze(phrase) in squeeze(text)


def test_every_language_has_expectations():
    assert sorted(EXPECTED) == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_invoice_copies_name_number_amount_due_date_and_link(language):
    expected = EXPECTED[language]
    text, html = render(language, INVOICE_COPIES)
    for part in (text, visible(html)):
        assert expected["greeting"] in part
        assert expected["money"] in part
        assert expected["due"] in part
        assert "10423" in part
        assert expected["closing"] in part
    assert url_lines(text) == {"https://ar.supplier.example/l/tok123"}  # plain, on its own line
    assert 'href="https://ar.supplier.example/l/tok123"' in html
    assert says(text, expected["not_found"])
    assert says(text, expected["lifetime"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (INVOICE_LIST, "list"),
        (STATEMENT, "statement"),
        (OPEN_ITEMS_STATEMENT, "open_items"),
        (BALANCE, "bucket"),
        (PAYMENT_STATUS, "payment"),
        (DISPUTE, "dispute"),
        (HANDED_OFF, "handoff"),
        (UNVERIFIED, "unverified"),
        (ACCESS, "access"),
        (NOT_PERMITTED, "not_permitted"),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_each_answer_reads_naturally_in_each_language(language, answer, phrase):
    text, html = render(language, answer)
    assert says(text, EXPECTED[language][phrase])
    assert squeeze(EXPECTED[language][phrase]) in visible(html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_answer_at_once_renders_and_each_link_is_a_plain_url(language):
    text, html = render(language, *ALL_ANSWERS.values())
    keys = ("tok123", "one", "two", "both", "list1", "st1", "st2", "open1", "d1")
    assert url_lines(text) == {f"https://ar.supplier.example/l/{key}" for key in keys}
    for key in keys:
        assert f'href="https://ar.supplier.example/l/{key}"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_balances_are_shown_per_currency_and_never_summed(language):
    text, _ = render(language, BALANCE)
    assert "EUR" in text and "USD" in text
    assert EXPECTED[language]["money"] in text
    for total in ("6,234.56", "6.234,56", "6234,56", "6 234,56", f"6{NNBSP}234,56"):
        assert total not in text


def test_german_money_and_dates_follow_german_conventions():
    text, _ = render("de", BALANCE)
    rows = [squeeze(line).strip() for line in text.splitlines()]
    assert f"Offener Saldo 1.234,56{NBSP}€" in rows
    assert f"davon überfällig 200,00{NBSP}€" in rows
    assert "Ihr Saldo zum 15.03.2025" in text
    assert f"5.000,00{NBSP}$" in text


def test_a_language_ardesk_does_not_write_falls_back_to_english():
    text, _ = render("sv", INVOICE_COPIES)
    assert "Dear Anna Weber," in text
    assert "€1,234.56" in text


def test_without_a_name_the_greeting_is_formal():
    assert render("de", HANDED_OFF, name=None)[0].startswith("Sehr geehrte Damen und Herren,")
    assert render("fr", HANDED_OFF, name=None)[0].startswith("Madame, Monsieur,")


def test_a_hand_off_reason_code_never_reaches_the_customer():
    for reason in ("unknown_sender", "needs_human", "not_permitted", "dispute"):
        text, html = render("en", a.HandedOff(reason))
        assert reason not in text and reason not in html


def test_not_found_reads_the_same_for_any_number():
    first, _ = render("en", a.InvoiceCopies(not_found=("10423",)))
    second, _ = render("en", a.InvoiceCopies(not_found=("55555",)))
    assert first.replace("10423", "N") == second.replace("55555", "N")


def test_values_from_the_erp_are_escaped_in_html():
    hostile = invoice('<script>alert("x")</script>', po_number="<b>PO</b>")
    _, html = render("en", a.InvoiceCopies(found=((hostile, link()),)))
    assert "<script>" not in html and "<b>PO</b>" not in html
    assert "&lt;script&gt;" in html


def test_a_credit_note_and_a_paid_invoice_say_so():
    credit = invoice("CN-7", kind="credit_note", status="open", days_overdue=0)
    paid = invoice("10400", status="paid", balance=0, days_overdue=0)
    text, _ = render("en", a.InvoiceCopies(found=((credit, link()), (paid, link(key="p")))))
    assert "Credit note CN-7" in text
    assert "Status: paid" in text
    assert "Here are the 2 invoices you asked for:" in text


def test_an_empty_balance_says_there_is_nothing_open():
    text, _ = render("en", a.BalanceAnswer(as_of=NOW.date(), balances=()))
    assert "Your account has no open items." in text


def test_a_payment_question_without_payments_says_none_arrived():
    text, _ = render("en", a.PaymentStatusAnswer())
    assert "We have not received any payments recently." in text
