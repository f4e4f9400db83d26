"""Languages and formats: the contact's preference, else the browser, else English.

Dates, numbers and money are formatted by Babel for the chosen locale, so a German visitor reads
``1.234,56 €`` and ``15.03.2026``. A list page formats a hundred values and looks up fifty
template strings, so what can be per process is (``web.formats``), and what is per request (the
locale, its translations) is looked up once per request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from flask import Flask, g, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from core.models import LANGUAGES
from mailers.i18n import LOCALES, local_date
from web.formats import money_formatter

_LOCALES = {language: Locale.parse(language) for language in LANGUAGES}


def select_locale() -> Locale:
    """The request's locale, as one of the process's ``Locale`` objects (Flask-Babel takes a
    ``Locale`` as it is, and parses anything else anew on every request)."""
    return page_locale(getattr(g, "language", None))


def page_locale(preferred: str | None) -> Locale:
    """The locale of this request's page for a visitor whose contact prefers ``preferred``:
    that language where the portal speaks it, else the browser's choice, else English."""
    if preferred not in LANGUAGES:
        preferred = request.accept_languages.best_match(LANGUAGES) or "en"
    return _LOCALES[preferred]


def _locale() -> Locale:
    """The request's locale, looked up once: a list page formats hundreds of values."""
    if "babel_locale" not in g:
        g.babel_locale = get_locale() or Locale("en")
    return g.babel_locale


def locale_name() -> str:
    """The locale whose conventions the page follows: the same as the mail's for the language
    (``en`` pages write dates and money as ``en_GB`` does), so a reply and the page it links to
    agree."""
    if "locale_name" not in g:
        language = str(_locale())
        g.locale_name = LOCALES.get(language, language)
    return g.locale_name


def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return money_formatter(locale_name(), currency)(amount)


def day(value: date | None) -> str:
    return local_date(locale_name(), value) if value else ""


def number(value: Decimal | int) -> str:
    return _number(locale_name(), value, str(value))


@lru_cache(maxsize=4096)
def _number(locale: str, value: Decimal | int, _written: str) -> str:
    # Babel works out the locale's pattern on every call, and the list's count (the cap, most
    # often) is formatted on every page. ``_written`` keeps equal values written differently
    # (1, 1.0, 1.00) apart.
    return format_decimal(value, locale=locale)


def _translations():
    """The request's translations. Flask-Babel's own lookup walks its context three times per
    string; Flask-Babel fixes the locale at its first use in a request, so keeping the result
    on ``g`` changes nothing but the cost. (Flask-Babel's ``refresh()`` and ``force_locale()``
    change the locale mid-request; the portal uses neither, and code that did would drop
    ``g._ardesk_translations`` and ``g.babel_locale`` with it.)"""
    try:
        return g._ardesk_translations
    except AttributeError:
        g._ardesk_translations = translations = get_translations()
        return translations


@lru_cache(maxsize=8192)
def _fixed_markup(translations: Any, string: str) -> Markup:
    """A string without variables as the page's markup, made once per catalogue: a page asks
    for forty of them. (Flask-Babel keeps one catalogue object per language for the process.)"""
    return Markup(translations.ugettext(string)) % {}  # noqa: S704 - our own catalogue


@pass_eval_context
def _gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    translations = _translations()
    if not variables and eval_ctx.autoescape:
        return _fixed_markup(translations, string)
    text = translations.ugettext(string)
    # Our own catalogue is trusted markup, as in Jinja's newstyle gettext; the variables are
    # escaped by ``%``. Always a format string there too: a literal % is written %%.
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, day=day, number=number)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # The same newstyle functions Jinja made just above, each one call instead of three nested
    # ones (``_`` → ``gettext`` → the lookup): a list page looks up about forty strings.
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)

    @app.context_processor
    def language() -> dict[str, str]:
        return {"language": str(get_locale() or "en")}
