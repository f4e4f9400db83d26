"""The CSRF token a page's forms carry, signed once per session secret instead of once per page.

Flask-WTF signs the session's CSRF secret anew for every page that has a form (every portal page
has one: sign out), which cost a list page as much as its own query. The signed token never
expires here (``WTF_CSRF_TIME_LIMIT`` is None: the session's idle limit ends it), so the token
signed for a secret stays the right one to hand out for as long as the app signs with the same
key; the app keeps the most recent ones, keyed by both. Validation is Flask-WTF's own.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

FIELD = "csrf_token"  # Flask-WTF's default field name, in the session and on ``g``
REMEMBERED = 4096


class SignedTokens:
    def __init__(self, limit: int = REMEMBERED) -> None:
        self.limit = limit
        self._tokens: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = Lock()

    def token(self) -> str:
        secret = session.get(FIELD)
        if FIELD in g or not isinstance(secret, str):
            return generate_csrf()  # this page's, or a session's first: Flask-WTF makes it
        key = (current_app.secret_key, secret)
        with self._lock:
            signed = self._tokens.get(key)
            if signed is not None:
                self._tokens.move_to_end(key)
        if signed is None:
            signed = generate_csrf()
            with self._lock:
                self._tokens[key] = signed
                while len(self._tokens) > self.limit:
                    self._tokens.popitem(last=False)
        setattr(g, FIELD, signed)
        return signed


def init_app(app: Flask) -> None:
    """After Flask-WTF's own ``init_app``: templates' ``csrf_token()`` becomes the remembered one
    (a later context processor's names win)."""
    tokens = SignedTokens()
    app.jinja_env.globals["csrf_token"] = tokens.token
    app.context_processor(lambda: {"csrf_token": tokens.token})
