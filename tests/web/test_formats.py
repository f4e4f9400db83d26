"""The portal's compiled money and date formatters write exactly what Babel writes, and what
the mail writes for the same language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from flask import Flask, g

from core.models import LANGUAGES
from mailers.i18n import LOCALES, localizer
from mailers.i18n import local_date as medium_date
from web import i18n as portal
from web.formats import money_formatter

AMOUNTS = [
    "0", "0.00", "-0.00", "0.5", "0.005", "0.015", "1", "12.3", "999.995", "1234.56", "-1234.56",
    "1000000", "-987654321.09", "12345678901234.5678", "0.0001",
]  # fmt: skip
CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK", "JPY", "BHD", "BRL"]


@pytest.mark.parametrize("locale", sorted({*LANGUAGES, *LOCALES.values()}))
def test_money_reads_as_babel_writes_it(locale):
    for currency in CURRENCIES:
        formatter = money_formatter(locale, currency)
        for text in AMOUNTS:
            amount = Decimal(text)
            assert formatter(amount) == format_currency(amount, currency, locale=locale), (
                locale,
                currency,
                text,
            )


def test_german_money_and_dates():
    assert money_formatter("de", "EUR")(Decimal("1234.56")) == "1.234,56\xa0€"
    assert medium_date("de", date(2026, 3, 15)) == "15.03.2026"


@pytest.mark.parametrize("locale", LANGUAGES)
def test_dates_read_as_babel_writes_them(locale):
    for day in (date(2026, 1, 5), date(2025, 12, 31), date(2026, 11, 25)):
        assert medium_date(locale, day) == format_date(day, format="medium", locale=locale)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_writes_dates_and_money_as_the_reply_in_its_language_does(app: Flask, language):
    mail = localizer(language)
    day, amount = date(2026, 3, 5), Decimal("1234.5")
    with app.test_request_context("/", headers={"Accept-Language": language}):
        g.language = language
        assert portal.day(day) == mail.date(day)
        assert portal.money(amount, "EUR") == mail.money(amount, "EUR")
