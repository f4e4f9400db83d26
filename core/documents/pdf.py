"""Invoice copies and statements as PDF: Jinja templates (``templates/documents``) rendered with
WeasyPrint, in the reader's language.

The portal and the bot render with this one environment, with no Flask application or request
behind it: an AP-automation inbox gets the same bytes as a download, made by the same template
and code. Nothing is fetched while rendering: the logo comes in as a data URI and every other
URL is refused, so a document cannot be made to reach out to the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from core.billing import OpenItem, Statement
from core.documents.einvoice import factur_x_pdf, xml_for
from core.documents.facts import AppliedPayment, Buyer, InvoiceFacts
from core.documents.formats import Format
from core.documents.letterhead import Letterhead, data_uri
from core.documents.parties import LegalEntity
from core.documents.payment_qr import payment_qr
from core.documents.reference import printed
from core.models import LOCALES

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
TRANSLATIONS = HERE / "translations"
# Bump when a template changes, so cached documents are rendered again.
TEMPLATE_VERSION = "3"


@dataclass(frozen=True)
class Rendering:
    """How one document is rendered: for whom (language), by whom (letterhead), where it is
    checked (``base_url``/verify, with its verification ``code``) and on what day."""

    language: str
    letterhead: Letterhead
    base_url: str
    code: str
    today: date


@cache
def translations(language: str) -> NullTranslations:
    """The documents' catalogue (``translations/<lang>``); English is the message ids."""
    if language == "en" or language not in LOCALES:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language])


@cache
def environment(language: str) -> Environment:
    """One environment per language, with its translations and its locale's formats."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    locale = LOCALES.get(language, LOCALES["en"])

    def money(amount: Decimal | None, currency: str) -> str:
        return "" if amount is None else format_currency(amount, currency, locale=locale)

    def day(value: date | None) -> str:
        return format_date(value, format="medium", locale=locale) if value else ""

    def number(value: Decimal | int) -> str:
        return format_decimal(value, locale=locale)

    env.filters.update(money=money, day=day, number=number)
    env.globals["language"] = language if language in LOCALES else "en"
    return env


def render_pdf(
    template: str, how: Rendering, *, pdf_variant: str | None = None, **context: Any
) -> bytes:
    """``pdf_variant="pdf/a-3b"`` for the Factur-X copy, which embeds its XML (PDF/A-3)."""
    html = (
        environment(how.language)
        .get_template(template)
        .render(
            letterhead=how.letterhead,
            base_url=how.base_url,
            code=how.code,
            today=how.today,
            **context,
        )
    )
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=pdf_variant)


def invoice_copy(
    facts: InvoiceFacts,
    applied: Sequence[AppliedPayment],
    how: Rendering,
    *,
    pdf_variant: str | None = None,
) -> bytes:
    """The invoice as a copy: marked so on every page, since the original went out from the
    ERP on its issue date and a second "original" invites a second payment."""
    qr = payment_qr(facts, how.language)
    return render_pdf(
        "documents/invoice_pdf.html",
        how,
        pdf_variant=pdf_variant,
        facts=facts,
        applied=applied,
        issuer=facts.seller,
        buyer=facts.buyer,
        banks=how.letterhead.banks_for(facts.seller, facts.currency),
        reference=printed(facts.payment_reference) if facts.payment_reference else None,
        copy_of=facts.issue_date,
        qr=qr,
        qr_image=data_uri(qr.svg.encode(), "image/svg+xml") if qr else None,
    )


def document_file(
    fmt: Format | None,
    facts: InvoiceFacts,
    applied: Sequence[AppliedPayment],
    how: Rendering,
) -> bytes:
    """The file of ``facts`` in ``fmt`` (None: the copy PDF), with ``code`` printed in the
    footer of the PDFs. An e-invoice format the invoice does not qualify for raises
    ``NotEligible``."""
    if fmt is not None and fmt is not Format.facturx:
        return xml_for(facts, fmt)
    variant = "pdf/a-3b" if fmt is Format.facturx else None
    copy = invoice_copy(facts, applied, how, pdf_variant=variant)
    return copy if fmt is None else factur_x_pdf(facts, copy, how.language)


@dataclass(frozen=True)
class StatementPeriod:
    """A period statement (``start`` set) or open items as of ``end`` (``start`` None)."""

    start: date | None
    end: date


def statement(
    content: dict[str, Statement] | list[OpenItem],
    period: StatementPeriod,
    how: Rendering,
    *,
    buyer: Buyer,
    issuer: LegalEntity | None,
) -> bytes:
    """The statement of ``content`` (``core.billing``, as the reader's role may see it): per
    currency for a period, else the open items."""
    return render_pdf(
        "documents/statement_pdf.html",
        how,
        wanted=period,
        sections=content if isinstance(content, dict) else None,
        items=content if isinstance(content, list) else None,
        buyer=buyer,
        issuer=issuer,
        banks=how.letterhead.banks_for(issuer),
    )
