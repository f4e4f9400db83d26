"""New-text extraction: quote headers of the common clients in seven languages, signatures."""

import pytest

from intents.newtext import new_text, strip_reply_prefix

REQUEST = "Please send invoice 55123 again."


@pytest.mark.parametrize(
    "header",
    [
        # Outlook
        "From: AR Team <ar@example.com>\nSent: Monday, 3 May 2027 10:00\nTo: Pat\nSubject: X",
        "-----Original Message-----\nFrom: AR Team\nSent: 3 May 2027",
        "Von: Buchhaltung <ar@example.de>\nGesendet: Montag, 3. Mai 2027 10:00\nAn: Pat",
        "De : Comptabilité <ar@example.fr>\nEnvoyé : lundi 3 mai 2027 10:00\nÀ : Pat\nObjet : X",
        "De: Contabilidad <ar@example.es>\nEnviado el: lunes, 3 de mayo de 2027 10:00\nPara: Pat",
        "Van: Debiteuren <ar@example.nl>\nVerzonden: maandag 3 mei 2027 10:00\nAan: Pat",
        "Da: Amministrazione <ar@example.it>\nInviato: lunedì 3 maggio 2027 10:00\nA: Pat",
        "De: Contabilidade <ar@example.pt>\nEnviada: segunda, 3 de maio de 2027 10:00\nPara: Pat",
        # Gmail / Apple Mail / Thunderbird attributions
        "On Mon, 3 May 2027 at 10:00, AR Team <ar@example.com> wrote:",
        "Am 03.05.2027 um 10:00 schrieb AR Team <ar@example.de>:",
        "Le lun. 3 mai 2027 à 10:00, AR <ar@example.fr> a écrit :",
        "El lun, 3 may 2027 a las 10:00, AR <ar@example.es> escribió:",
        "Op ma 3 mei 2027 om 10:00 schreef AR <ar@example.nl>:",
        "Il giorno lun 3 mag 2027 alle ore 10:00 AR <ar@example.it> ha scritto:",
        "Em seg., 3 de mai. de 2027 às 10:00, AR <ar@example.pt> escreveu:",
    ],
)
def test_it_cuts_quoted_history_under_a_client_header(header):
    body = f"{REQUEST}\n\n{header}\n\nDear customer, invoices 55001 and 55002 are overdue."
    assert new_text(body) == REQUEST


def test_it_drops_angle_bracket_quoting():
    body = f"{REQUEST}\n\n> Dear customer,\n> invoice 55001 is overdue.\n> Regards"
    assert new_text(body) == REQUEST


def test_a_forward_with_please_see_below_keeps_the_forwarded_request():
    body = (
        "Please see below.\n\n---------- Forwarded message ---------\nFrom: Site <s@example.com>\n"
        "Date: Mon, 3 May 2027\nSubject: copy\nTo: <ap@example.com>\n\n"
        "Can you ask them for a copy of invoice 55123?"
    )
    assert "invoice 55123" in new_text(body)


def test_a_forward_with_its_own_request_drops_the_forwarded_part():
    body = (
        "Could you send me a copy of invoice 55123? Thanks\n\n"
        "---------- Forwarded message ---------\nFrom: Site <s@example.com>\n"
        "Date: Mon, 3 May 2027\n\nWe also have 55099 open."
    )
    assert "55099" not in new_text(body)


@pytest.mark.parametrize(
    "footer",
    [
        "Kind regards,\nPat Doe\nAccounts Payable\nT: +44 1632 960118",
        "Mit freundlichen Grüßen\nPat Doe\nUSt-IdNr. DE 123 456 789",
        "Cordialement,\nPat Doe",
        "Un saludo,\nPat",
        "Met vriendelijke groet,\nPat",
        "Cordiali saluti\nPat",
        "Cumprimentos,\nPat",
        "Sent from my iPhone",
        "Von meinem iPhone gesendet",
        "Get Outlook for Android",
        "CONFIDENTIALITY NOTICE: This e-mail is intended only for the named recipient and may be "
        "confidential.",
    ],
)
def test_it_strips_signatures_disclaimers_and_mobile_footers(footer):
    assert new_text(f"{REQUEST}\n\n{footer}") == REQUEST


def test_a_remittance_advice_from_to_block_is_not_a_quote_header():
    body = (
        "REMITTANCE ADVICE\n\nFrom: Payer Ltd\nTo: Payee Ltd\nPayment date: 01/02/2027\n\nSI-7912"
    )
    assert "SI-7912" in new_text(body)


@pytest.mark.parametrize(
    "subject",
    [
        "RE: Invoice 1",
        "AW: Invoice 1",
        "TR: Invoice 1",
        "Fwd: Invoice 1",
        "RV: Invoice 1",
        "Re: RE: FW: Invoice 1",
    ],
)
def test_it_strips_reply_and_forward_prefixes(subject):
    assert strip_reply_prefix(subject) == ("Invoice 1", True)


@pytest.mark.parametrize(
    "attribution",
    [
        # Gmail's dated form, without a verb
        "2026-11-20 9:14 GMT+01:00 Accounts Receivable <ar@supplier.example>:",
        '20.11.2026, 09.14, "Accounts Receivable" <ar@supplier.example>:',
        # name and address first, the verb and the date after it
        "Debitorenbuchhaltung <ar@supplier.example> schrieb am Fr., 20. Nov. 2026 um 09:14 Uhr:",
        # Zoho and Android frame it with dashes; Android names no date
        "---- On Fri, 20 Nov 2026 09:14:03 +0100 ar@supplier.example wrote ----",
        "---- Accounts Receivable wrote ----",
        # Italian clients leave out the colon
        'In data 20 novembre 2026 09:14:03 "Contabilità" <ar@supplier.example> ha scritto',
        # wrapped over two and three lines
        "Op 20 nov. 2026 om 09:14 schreef Debiteuren\n<ar@supplier.example>:",
        "On Nov 20, 2026, at 9:14 AM, Accounts Receivable <\nar@supplier.example>\nwrote:",
        'Le 20 nov. 2026 à 09:14, "Comptabilité"\n<ar@supplier.example> a écrit :',
        # an Outlook block that starts with the date, and one with "Envoyé le"
        "Date: Fri, 20 Nov 2026 09:14:03 +0100\nFrom: ar@supplier.example\nTo: ap@customer.example",
        "De : Comptabilité<mailto:ar@supplier.example>\nEnvoyé le :vendredi 20 novembre 2026 09:14",
        "-----Reply Message-----\nFrom: ar@supplier.example",
    ],
)
def test_it_knows_the_quote_headers_of_many_clients(attribution):
    body = f"{REQUEST}\n\n{attribution}\n\nDear customer, invoices 55001 and 55002 are overdue."
    assert new_text(body) == REQUEST


def test_a_separator_line_above_the_quote_is_not_new_text():
    body = f"{REQUEST}\n\n________________________________\nFrom: AR\nSent: Friday\n\n> old"
    assert new_text(body) == REQUEST


@pytest.mark.parametrize(
    "footer",
    [
        "Gesendet von Outlook für Android",
        "Envoyé à partir de Outlook pour iOS",
        "Sent using the mobile mail app",
        "Verzonden vanuit Outlook voor iOS",
        "Enviado desde mi Galaxy",
    ],
)
def test_app_footers_are_cut(footer):
    assert new_text(f"{REQUEST}\n\n{footer}") == REQUEST


def test_a_sentence_that_starts_like_a_footer_is_kept():
    body = f"{REQUEST}\nSent from our Leeds office, as agreed with your team."
    assert new_text(body) == body


def test_a_sentence_with_a_date_and_a_colon_is_not_an_attribution():
    body = "We paid these on 3 May 2026:\nINV-10423\nINV-10424\nPlease confirm receipt."
    assert new_text(body) == body


def test_a_greeting_above_the_quote_opens_the_answer_written_below_it():
    body = (
        "Hello,\nOn Fri, 20 Nov 2026 at 09:14, AR <ar@supplier.example> wrote:\n"
        "> Invoice 55001 is overdue.\n\nWe paid it on Monday, could you check?\n"
    )
    assert new_text(body) == "Hello,\n\nWe paid it on Monday, could you check?"


def test_a_short_answer_above_the_quote_stays_alone():
    quote = "Le 20 nov. 2026 à 09:14, AR <ar@x.fr> a écrit :\n> Relance"
    body = f"Bonjour, merci, c'est réglé !\n\n{quote}"
    assert new_text(body) == "Bonjour, merci, c'est réglé !"
