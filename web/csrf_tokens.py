"""The CSRF token a page's forms carry, signed once per session secret instead of once per page.

Flask-WTF signs the session's CSRF secret anew for every page that has a form (every portal page
has one: sign out), which cost a list page as much as its own query. The signed token never
expires here (``WTF_CSRF_TIME_LIMIT`` is None: the session's idle limit ends it), so the token
signed for a secret stays the right one to hand out for as long as the app signs with the same
key; the app keeps the most recent ones, keyed by both. Validation is Flask-WTF's own.
"""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

FIELD = "csrf_token"  # Flask-WTF's default field name, in the session and on ``g``
REMEMBERED = 4096


def init_app(app: Flask) -> None:
    """After Flask-WTF's own ``init_app``: templates' ``csrf_token()`` becomes the remembered one
    (a later context processor's names win)."""
    # Signed tokens by (key, session secret). The session's first token is remembered too: a
    # token carries the second it was signed in, so signing the secret again on a later page
    # would hand the same session a second, different token.
    remembered: dict[tuple[str | bytes, str], str] = {}  # oldest first

    def token() -> str:
        if FIELD in g:
            return generate_csrf()  # this page's, already made
        secret = session.get(FIELD)
        known = remembered.get((current_app.secret_key, secret)) if secret else None
        if known is None:
            known = generate_csrf()  # signs the session's secret, made first if it had none
            remembered[current_app.secret_key, session[FIELD]] = known
            if len(remembered) > REMEMBERED:
                remembered.pop(next(iter(remembered)), None)
        setattr(g, FIELD, known)
        return known

    app.jinja_env.globals["csrf_token"] = token
    app.context_processor(lambda: {"csrf_token": token})
