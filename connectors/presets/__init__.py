"""ERP presets: settings and mappings for documented APIs, built on the generic sources."""

from __future__ import annotations

from typing import Any


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
