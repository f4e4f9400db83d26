"""Parts of a page that follow from a few values alone, rendered once per process for them.

The invoice list's filter form is twenty translated labels and a dozen choices: a sixth of the
list's rendering on every page, the same for every visitor who filters the same way in the same
language. A fragment here is rendered the first time and kept under its template, the page's
locale, the application's root and the values the caller names (``key``: everything the
fragment's template reads, and nothing per visitor or per session — no CSRF token, no names).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from web.i18n import locale_name

REMEMBERED = 1024
_EXTENSION = "ardesk.fragments"


class _Fragments:
    """The app's rendered fragments, the most recently used kept."""

    def __init__(self) -> None:
        self.rendered: OrderedDict[tuple, Markup] = OrderedDict()
        self.lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = _Fragments()


def fragment(template: str, key: Hashable, **context: Any) -> Markup:
    """``template`` rendered with ``context``, which ``key`` must determine entirely."""
    fragments: _Fragments = current_app.extensions[_EXTENSION]
    full_key = (template, locale_name(), request.script_root, key)
    with fragments.lock:
        found = fragments.rendered.get(full_key)
        if found is not None:
            fragments.rendered.move_to_end(full_key)
            return found
    rendered = Markup(render_template(template, **context))  # noqa: S704 - a template's output
    with fragments.lock:
        fragments.rendered[full_key] = rendered
        if len(fragments.rendered) > REMEMBERED:
            fragments.rendered.popitem(last=False)
    return rendered
