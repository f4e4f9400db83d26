"""The session cookie: verified once per worker, written only when the session changed.

Flask verifies the cookie's signature and decodes its tagged JSON on every request, a tenth of a
cached PDF's CPU. A cookie's signature and contents never change, so each verified cookie is
kept (the most recently seen, per signing keys) with the time it was signed; its age is still
checked against the session lifetime on every request, as Flask checks it. A cookie that fails
verification is not kept.

Flask rewrites a permanent session's cookie on every response when asked to refresh it, which
signs a new cookie per request; ``web.visitor`` instead moves the visitor's last-request time
(and with it the cookie's lifetime) once a minute. A change made in place inside a nested value
(``session["visitor"]["t"] = …``) does not mark Flask's session modified, so the session as
opened is kept as a pickle (exact, and far cheaper than the cookie's own tagged JSON) and
compared before the response.
"""

from __future__ import annotations

import pickle
import time
from functools import lru_cache

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

_OPENED = "_ardesk_opened"
REMEMBERED = 4096  # cookies per worker


@lru_cache(maxsize=REMEMBERED)
def _verified(serializer: URLSafeTimedSerializer, cookie: str) -> tuple[bytes, int]:
    """The cookie's contents (pickled: each request gets its own copy) and when it was signed
    (Unix seconds); BadSignature if it is not one of ours."""
    data, signed = serializer.loads(cookie, return_timestamp=True)
    return pickle.dumps(data), int(signed.timestamp())


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
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            contents, signed = _verified(serializer, cookie)
        except BadSignature:
            return self.session_class()
        # As itsdangerous checks it: older than the lifetime, or signed in the future, is void.
        age = int(time.time()) - signed
        if age < 0 or age > int(app.permanent_session_lifetime.total_seconds()):
            return self.session_class()
        opened = self.session_class(pickle.loads(contents))  # noqa: S301 - pickled here, above
        setattr(opened, _OPENED, contents)
        return opened

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified or super().should_set_cookie(app, session):
            return True
        return getattr(session, _OPENED, None) != pickle.dumps(dict(session))
