"""Periods in the seven languages, resolved against the received date."""

from datetime import date

import pytest

from intents.periods import find_period

RECEIVED = date(2027, 10, 12)


@pytest.mark.parametrize(
    ("text", "language", "start", "end"),
    [
        ("statement for Q3 please", "en", "2027-07-01", "2027-09-30"),
        ("statement for Q4 2026", "en", "2026-10-01", "2026-12-31"),
        ("a statement for last month", "en", "2027-09-01", "2027-09-30"),
        ("all transactions since 1 April", "en", "2027-04-01", "2027-10-12"),
        ("a statement as of end of September", "en", "2027-09-01", "2027-09-30"),
        ("statement as at 30 June 2027", "en", "2027-06-01", "2027-06-30"),
        ("a year-to-date statement", "en", "2027-01-01", "2027-10-12"),
        ("statement covering Jan-Apr", "en", "2027-01-01", "2027-04-30"),
        ("statement for the first half of the year", "en", "2027-01-01", "2027-06-30"),
        ("einen Kontoauszug für den Vormonat", "de", "2027-09-01", "2027-09-30"),
        ("Kontoauszug per 31.08.2027", "de", "2027-08-01", "2027-08-31"),
        ("OP-Liste für das zweite Quartal 2027", "de", "2027-04-01", "2027-06-30"),
        ("un relevé du 1er janvier au 31 mars 2027", "fr", "2027-01-01", "2027-03-31"),
        ("un relevé de compte depuis le 1er juin", "fr", "2027-06-01", "2027-10-12"),
        ("les factures du mois dernier", "fr", "2027-09-01", "2027-09-30"),
        ("el extracto del trimestre pasado", "es", "2027-07-01", "2027-09-30"),
        ("el extracto a 30 de junio de 2027", "es", "2027-06-01", "2027-06-30"),
        ("todas las facturas de junio", "es", "2027-06-01", "2027-06-30"),
        ("rekeningoverzicht per 31 januari 2027", "nl", "2027-01-01", "2027-01-31"),
        ("een rekeningoverzicht van dit jaar tot nu toe", "nl", "2027-01-01", "2027-10-12"),
        ("l'estratto conto del mese scorso", "it", "2027-09-01", "2027-09-30"),
        ("estratto conto al 30/09/2027", "it", "2027-09-01", "2027-09-30"),
        ("o extrato de conta referente ao mês de maio", "pt", "2027-05-01", "2027-05-31"),
        ("extrato desde o início do ano até à presente data", "pt", "2027-01-01", "2027-10-12"),
        ("2ª via das faturas de novembro", "pt", "2026-11-01", "2026-11-30"),
    ],
)
def test_it_resolves_periods_against_the_received_date(text, language, start, end):
    period = find_period(text, RECEIVED, language)
    assert period is not None
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "please send a statement as at today's date",
        "the invoice for the delivery on 12 August",
        "it may have been applied to the wrong account",
        "non è mai arrivata",
    ],
)
def test_it_names_no_period_when_none_is_asked(text):
    assert find_period(text, RECEIVED, "en") is None
