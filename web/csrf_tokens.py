"""The CSRF token a page's forms carry, signed once per session secret instead of once per page.

Flask-WTF signs the session's CSRF secret anew for every page that has a form (every portal page
has one: sign out), which cost a list page as much as its own query. The signed token never
expires here (``WTF_CSRF_TIME_LIMIT`` is None: the session's idle limit ends it), so the token
signed for a secret stays the right one to hand out for as long as the app signs with the same
key; the app keeps the most recent ones, keyed by both. Validation is Flask-WTF's own.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress

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
    remembered: OrderedDict[tuple[str | bytes, str], str] = OrderedDict()  # least recent first

    def token() -> str:
        if FIELD in g:
            return generate_csrf()  # this page's, already made
        secret = session.get(FIELD)
        key = (current_app.secret_key, secret)
        known = remembered.get(key) if secret else None
        if known is None:
            known = generate_csrf()  # signs the session's secret, made first if it had none
            remembered[current_app.secret_key, session[FIELD]] = known
            if len(remembered) > REMEMBERED:
                remembered.popitem(last=False)  # one step, safe beside other threads
        else:
            with suppress(KeyError):  # another thread may have just let it go
                remembered.move_to_end(key)  # a session in use keeps its token
        setattr(g, FIELD, known)
        return known

    app.jinja_env.globals["csrf_token"] = token
    app.context_processor(lambda: {"csrf_token": token})
