"""Parts of a page that follow from a few values alone, rendered once per process for them.

The invoice list's filter form is twenty translated labels and a dozen choices: a sixth of the
list's rendering on every page, the same for every visitor who filters the same way in the same
language. Every page's header menu (per role and link, ``Visitor.menu``) and footer are
fragments too. A fragment's template reads only the values it is given (hashable ones: they are its
key, with the page's locale and the application's root) and the page's translations and URLs,
never anything per visitor or per session (no CSRF token, no names). The app keeps the most
recently used, as it does its URLs (``web.urls``).
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from web.i18n import locale_name

REMEMBERED = 1024
_EXTENSION = "ardesk.fragments"


def init_app(app: Flask) -> None:
    @lru_cache(maxsize=REMEMBERED)
    def rendered(
        template: str, _locale: str, _script_root: str, context: tuple[tuple[str, Hashable], ...]
    ) -> Markup:
        return Markup(render_template(template, **dict(context)))  # noqa: S704 - template output

    app.extensions[_EXTENSION] = rendered
    app.jinja_env.globals["fragment"] = fragment


def fragment(template: str, **context: Hashable) -> Markup:
    """``template`` rendered with ``context`` alone, once per its values and the locale."""
    rendered = current_app.extensions[_EXTENSION]
    return rendered(template, locale_name(), request.script_root, tuple(sorted(context.items())))
