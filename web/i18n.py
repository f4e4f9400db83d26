"""Languages and formats: the contact's preference, else the browser, else English.

Dates, numbers and money are formatted by Babel for the chosen locale, so a German visitor reads
``1.234,56 €`` and ``15.03.2026``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask import Flask, g, request
from flask_babel import get_locale

from core.models import LANGUAGES


def select_locale() -> str:
    preferred = getattr(g, "language", None)
    if preferred in LANGUAGES:
        return preferred
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _locale() -> Locale:
    """The request's locale, looked up once: a list page formats hundreds of values."""
    if "babel_locale" not in g:
        g.babel_locale = get_locale() or Locale("en")
    return g.babel_locale


def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=_locale())


def day(value: date | None) -> str:
    return format_date(value, format="medium", locale=_locale()) if value else ""


def number(value: Decimal | int) -> str:
    return format_decimal(value, locale=_locale())


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, day=day, number=number)

    @app.context_processor
    def language() -> dict[str, str]:
        return {"language": str(get_locale() or "en")}
