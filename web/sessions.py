"""The session cookie, written only when the session changed.

Flask rewrites a permanent session's cookie on every response when asked to refresh it, which
signs a new cookie per request; ``web.visitor`` instead moves the visitor's last-request time
(and with it the cookie's lifetime) once a minute. A change made in place inside a nested value
(``session["visitor"]["t"] = …``) does not mark Flask's session modified, so the session as
opened is kept as a pickle (exact, and far cheaper than the cookie's own tagged JSON) and
compared before the response.
"""

from __future__ import annotations

import pickle

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer

_OPENED = "_ardesk_opened"


class ChangedOnlySessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once for the app's keys instead of on every request."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        opened = super().open_session(app, request)
        if opened is not None:
            setattr(opened, _OPENED, pickle.dumps(dict(opened)))
        return opened

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified or super().should_set_cookie(app, session):
            return True
        return getattr(session, _OPENED, None) != pickle.dumps(dict(session))
