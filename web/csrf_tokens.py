"""The CSRF token a page's forms carry, signed once per session secret instead of once per page.

Flask-WTF signs the session's CSRF secret anew for every page that has a form (every portal page
has one: sign out), which cost a list page as much as its own query. The signed token never
expires here (``WTF_CSRF_TIME_LIMIT`` is None: the session's idle limit ends it), so the token
signed for a secret stays the right one to hand out for as long as the app signs with the same
key; the app keeps the most recent ones, keyed by both. Validation is Flask-WTF's own.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

FIELD = "csrf_token"  # Flask-WTF's default field name, in the session and on ``g``
REMEMBERED = 4096


def init_app(app: Flask) -> None:
    """After Flask-WTF's own ``init_app``: templates' ``csrf_token()`` becomes the remembered one
    (a later context processor's names win)."""

    @lru_cache(maxsize=REMEMBERED)
    def signed(_key: str | bytes, _secret: str) -> str:
        return generate_csrf()  # signs the session's secret (``_secret``) with the app's key

    def token() -> str:
        secret = session.get(FIELD)
        if FIELD in g or not isinstance(secret, str):
            return generate_csrf()  # this page's, or a session's first: Flask-WTF makes it
        setattr(g, FIELD, signed(current_app.secret_key, secret))
        return getattr(g, FIELD)

    app.jinja_env.globals["csrf_token"] = token
    app.context_processor(lambda: {"csrf_token": token})
