"""ERP presets: settings and mappings for documented APIs, built on the generic sources."""

from __future__ import annotations

from typing import Any

from connectors.config import SourceConfig
from connectors.errors import SourceConfigError

# The UNTDID 5305 duty or tax categories an e-invoice may state.
CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "O", "L", "M", "B"})


def fill(template: Any, parts: dict[str, str]) -> Any:
    """Put a source's own values (tenant, company, currency…) into a preset's templates; the
    watermark placeholder ``{since}`` is left for the request."""
    if isinstance(template, str):
        for key, value in parts.items():
            template = template.replace("{" + key + "}", str(value))
        return template
    if isinstance(template, dict):
        return {k: fill(v, parts) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, parts) for v in template]
    return template


def tax_categories(config: SourceConfig, field: str) -> dict[str, Any] | None:
    """A line's tax category (UNTDID 5305) from the ERP's own tax code, through the table the
    source gives (``tax_categories = { VAT25 = "S", EU-RC = "AE" }``): tax codes are each
    company's own configuration, so a preset cannot know them. A code the table lacks leaves the
    category empty — the invoice is then offered no e-invoice — rather than guessed."""
    table = config.get("tax_categories")
    if not table:
        return None
    if not isinstance(table, dict):
        raise SourceConfigError(f"source {config.name!r}: tax_categories must be a table")
    values = {str(code): str(category).upper() for code, category in table.items()}
    unknown = sorted(set(values.values()) - CATEGORIES)
    if unknown:
        raise SourceConfigError(
            f"source {config.name!r}: {unknown[0]!r} is no UNTDID 5305 tax category"
        )
    return {"field": field, "values": values, "other": ""}


def legal_entity(config: SourceConfig) -> dict[str, Any] | None:
    """The issuing legal entity where a source is one company of the ERP: the code the brand
    file knows it by (``legal_entity = "DE01"``), since the ERP's API does not name it."""
    code = config.get("legal_entity")
    return {"constant": str(code)} if code else None
