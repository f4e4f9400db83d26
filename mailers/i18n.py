"""Languages, gettext catalogues and locale formatting for outbound email.

Message ids are English; every other language has a Babel-managed catalogue under
``mailers/translations/<lang>/LC_MESSAGES/messages.po`` compiled to ``messages.mo`` (both are
committed, so a fresh clone needs no build step). See docs/mailers.md for updating them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

from core.models import LOCALES

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=16384)
def local_date(locale: str, value: date) -> str:
    """A date as ardesk writes it everywhere (mail, portal, PDFs): the locale's medium format,
    so "15 Mar 2025" in an English reply is "15 Mar 2025" on the invoice page it links to.
    Cached: two years of invoices are about 730 dates."""
    return format_date(value, format="medium", locale=locale)


def choose_language(*candidates: str | None) -> str:
    """The first candidate ardesk writes (``"de-AT"`` counts as ``de``), else English."""
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.strip().lower().replace("_", "-").split("-")[0]
        if code in LOCALES:
            return code
    return DEFAULT_LANGUAGE


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue for ``language``; English (the message ids) needs none."""
    language = choose_language(language)
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [language], DOMAIN)


@dataclass(frozen=True)
class Localizer:
    """Translation and formatting for one language, passed to content builders and templates."""

    language: str

    @property
    def locale(self) -> str:
        return LOCALES[self.language]

    def gettext(self, message: str, **values: object) -> str:
        text = translations(self.language).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        text = translations(self.language).ngettext(singular, plural, count)
        return text % {"count": count, **values}

    def money(self, amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=self.locale)

    def date(self, day: date) -> str:
        return local_date(self.locale, day)

    def datetime(self, moment: datetime) -> str:
        """A moment in UTC, said so: recipients live in many time zones."""
        moment = moment.astimezone(UTC)
        day = local_date(self.locale, moment.date())
        time = format_time(moment, format="short", tzinfo=UTC, locale=self.locale)
        return f"{day}, {time} UTC"


def localizer(language: str | None) -> Localizer:
    return Localizer(choose_language(language))
