"""gunicorn's access log without credentials: link tokens masked, no query strings, no Referer.

``deploy/gunicorn.conf.py`` names this logger; the format it ships logs the client, the time, the
request line and status, the size, the duration and the user agent.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from web.serving import redact, redact_text

# Every atom that can carry a URL is rewritten; the Referer is dropped whole (a same-origin
# Referer is the page the visitor came from, which may be a link).
_URL_ATOMS = {"U": redact, "r": redact_text}
_DROPPED = ("q", "f", "{referer}i", "{cookie}i", "{authorization}i", "{x-slack-signature}i")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for name, clean in _URL_ATOMS.items():
            if isinstance(atoms.get(name), str):
                atoms[name] = clean(atoms[name])
        for name in _DROPPED:
            if name in atoms:
                atoms[name] = "-"
        return atoms
