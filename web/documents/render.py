"""The brand the portal's documents carry and the cache key of a rendered document. The PDFs
themselves are rendered by ``core.documents.pdf``, as the bot renders them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from core.documents.pdf import TEMPLATE_VERSION
from mailers.brand import Brand, load_brand
from web.extensions import app_settings


@lru_cache(maxsize=4)
def _brand_for(settings_id: int) -> Brand:
    return load_brand(app_settings())


def brand() -> Brand:
    """The configured brand, read once per process."""
    return _brand_for(id(app_settings()))


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


def _fingerprinted(current: Brand) -> tuple[dict[str, Any], str]:
    """``brand_fingerprint`` and its JSON text, worked out once per brand object (the brand is
    read once per process, and again only when its file changes)."""
    global _fingerprint
    if _fingerprint[0] is not current:
        fingerprint = brand_fingerprint(current)
        _fingerprint = (current, fingerprint, json.dumps(fingerprint, sort_keys=True))
    return _fingerprint[1], _fingerprint[2]


_fingerprint: tuple[Brand | None, dict[str, Any], str] = (None, {}, "")


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


def copy_prefix(language: str, with_payments: bool) -> str:
    """What shapes an invoice's copy PDF besides its data: the template version, the language,
    the brand and whether it lists the payments applied (the reader's role may see them). The
    copy's cache key is the hash of this and the text of its data (``reads.copy``), worked out
    by the database in the statement that finds the stored copy: equal keys mean equal copies."""
    _, brand_text = _fingerprinted(brand())
    return _copy_prefix(language, brand_text, with_payments)


@lru_cache(maxsize=64)
def _copy_prefix(language: str, brand_text: str, with_payments: bool) -> str:
    return repr(("invoice", TEMPLATE_VERSION, language, brand_text, with_payments)) + "|"


def inputs_hash(kind: str, language: str, facts: Any) -> str:
    """The cache key: everything that shapes the document, so changed data renders anew."""
    payload = {
        "kind": kind,
        "version": TEMPLATE_VERSION,
        "language": language,
        "brand": _fingerprinted(brand())[0],
        "facts": _plain(facts),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
