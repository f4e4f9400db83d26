"""``url_for`` for templates, remembered: a page builds the same dozen URLs on every request.

Routing a URL through Werkzeug's map costs about as much as writing a row of a table, and the
invoice list builds ten (its navigation, its forms, its pages). A URL depends only on its
endpoint, its values and the application's root on this request, so the app keeps each one
under those, the most recently used. URLs with Flask's own options (``_external``,
``_anchor``…) and blueprint-relative endpoints are built each time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask, current_app, request, url_for

REMEMBERED = 4096


def init_app(app: Flask) -> None:
    @lru_cache(maxsize=REMEMBERED)
    def built(script_root: str, endpoint: str, values: tuple[tuple[str, type, Any], ...]) -> str:
        return url_for(endpoint, **{name: value for name, _, value in values})

    def remembered_url_for(endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or any(name.startswith("_") for name in values):
            return url_for(endpoint, **values)
        # The type too: 1 and True are equal keys but different URLs.
        key = tuple((name, type(value), value) for name, value in values.items())
        try:
            return built(request.script_root, endpoint, key)
        except TypeError:  # a value that cannot be a key (a list: a repeated parameter)
            return url_for(endpoint, **values)

    app.jinja_env.globals["url_for"] = remembered_url_for


def remembered_url(endpoint: str, **values: Any) -> str:
    """``url_for`` as templates have it, remembered, for code that builds a URL per page."""
    return current_app.jinja_env.globals["url_for"](endpoint, **values)
