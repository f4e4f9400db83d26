"""PDF rendering with WeasyPrint from Jinja templates, in the visitor's language.

Nothing is fetched while rendering: the logo comes in as a data URI and every other URL is
refused, so a document cannot be made to reach out to the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from core.documents.parties import BankDetails, LegalEntity
from mailers.brand import Brand, load_brand
from web.extensions import app_settings

# Bump when a template changes, so cached documents are rendered again.
TEMPLATE_VERSION = "2"


@lru_cache(maxsize=4)
def _brand_for(settings_id: int) -> Brand:
    return load_brand(app_settings())


def brand() -> Brand:
    """The configured brand, read once per process."""
    return _brand_for(id(app_settings()))


def logo_uri(current: Brand) -> str | None:
    logo = current.logo
    if logo is None:
        return None
    if logo.content and logo.mime_type:
        return f"data:{logo.mime_type};base64,{base64.b64encode(logo.content).decode()}"
    return None


def banks_for(entity: LegalEntity | None, currency: str | None = None) -> list[BankDetails]:
    """The bank accounts a document names: the issuing entity's (for ``currency`` when given);
    a brand without legal entities names its one ``[bank]``; an entity the brand file does not
    know names none, rather than another company's account."""
    current = brand()
    if entity is not None:
        if currency is None:
            return list(entity.banks)
        bank = entity.bank_for(currency)
        return [bank] if bank else []
    if not current.legal_entities and current.bank is not None:
        return [current.bank]
    return []


def svg_uri(svg: str) -> str:
    return f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"


def brand_fingerprint(current: Brand) -> dict[str, Any]:
    logo = current.logo
    return {
        "name": current.name,
        "colours": [current.colours.primary, current.colours.text],
        "footer": current.legal_footer,
        "bank": repr(current.bank),
        "entities": repr(current.legal_entities),
        "logo": hashlib.sha256(logo.content).hexdigest() if logo and logo.content else None,
    }


def _fingerprint_of(current: Brand) -> dict[str, Any]:
    """``brand_fingerprint``, worked out once per brand object (the brand is read once per
    process, and again only when its file changes)."""
    global _fingerprint
    if _fingerprint[0] is not current:
        _fingerprint = (current, brand_fingerprint(current))
    return _fingerprint[1]


_fingerprint: tuple[Brand | None, dict[str, Any]] = (None, {})


def _plain(value: Any) -> Any:
    """JSON-ready: what ``dataclasses.asdict`` gives, without its deep copy of every value
    (which was a tenth of a cached PDF's request)."""
    if isinstance(value, Decimal | date):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def inputs_hash(kind: str, language: str, facts: Any) -> str:
    """The cache key: everything that shapes the document, so changed data renders anew."""
    payload = {
        "kind": kind,
        "version": TEMPLATE_VERSION,
        "language": language,
        "brand": _fingerprint_of(brand()),
        "facts": _plain(facts),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def render_pdf(template: str, *, pdf_variant: str | None = None, **context: Any) -> bytes:
    """``pdf_variant="pdf/a-3b"`` for the Factur-X copy, which embeds its XML (PDF/A-3)."""
    current = brand()
    html = render_template(template, brand=current, logo=logo_uri(current), **context)
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=pdf_variant)
