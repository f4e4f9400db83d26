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
