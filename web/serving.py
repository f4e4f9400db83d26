"""Serving the app on a local port (``ardesk web``, the browser tests), without tokens in logs.

Link tokens are credentials in a URL; the request log shows ``/l/…`` instead of them.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from core.logs import fully_decoded

# A link token as a path segment may carry: three base64url parts joined by dots.
_SIGNED = re.compile(r"[\w-]{10,}\.[\w-]{4,}\.[\w-]{16,}")
# What a logged path keeps unescaped: RFC 3986's path characters (and a ``%`` that no longer
# starts an escape). Anything else decoded from the target (a space, a quote, a line break) is
# escaped again, so it cannot forge a log line.
_PATH_SAFE = "/!$&'()*+,;=:@~%"


def _is_link_prefix(segment: str) -> bool:
    """``l`` whatever path parameters (``l;x=1``) or case the segment comes with."""
    return segment.partition(";")[0].lower() == "l"


def _masked_path(path: str) -> str:
    """A decoded path with the segment after each ``l`` and anything shaped like a link token
    masked. Empty and dot segments are stepped over (``//l//<token>``, ``/l/./<token>``)."""
    shown = []
    after_prefix = False
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            shown.append(quote(segment, safe=_PATH_SAFE))
        elif after_prefix or _SIGNED.search(segment):
            shown.append("…")
            after_prefix = False
        else:
            shown.append(quote(segment, safe=_PATH_SAFE))
            after_prefix = _is_link_prefix(segment)
    return "/".join(shown)


def redact(target: str) -> str:
    """A request target as logs may show it: percent-decoded as the app reads it, link tokens
    masked, the query string dropped (links, searches and verification codes travel there)."""
    # Read as the app reads it (``/%6c/`` is ``/l/``, ``%2F`` a slash): the masking looks at
    # what a target opens, not at how it was spelt.
    decoded = fully_decoded(target)
    if decoded is None:
        return "…"
    path, _, query = decoded.partition("?")
    return _masked_path(path) + ("?…" if query else "")


def redact_text(text: str) -> str:
    """Mask link tokens and query strings inside a longer text (a request line, an error): every
    word that may be a request target is shown as ``redact`` shows it."""
    return re.sub(r"\S+", lambda m: _redacted_word(m.group(0)), text)


def _redacted_word(word: str) -> str:
    return redact(word) if any(mark in word for mark in "/?%") else word


class RedactingRequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Werkzeug builds the line from ``path`` (``requestline`` only for a malformed request).
        original = getattr(self, "path", None)
        if original is not None:
            self.path = redact(original)
        self.requestline = redact_text(getattr(self, "requestline", ""))
        try:
            super().log_request(code, size)
        finally:
            if original is not None:
                self.path = original

    def log_error(self, format: str, *args: object) -> None:
        super().log_error(format, *(redact_text(a) if isinstance(a, str) else a for a in args))


def serve_until_interrupted(app: Flask, host: str, port: int, announce) -> None:
    """Serve ``app`` on HOST:PORT until Ctrl-C (`ardesk web`, `ardesk demo`)."""
    server = local_server(app, host, port)
    announce(f"ardesk portal on http://{host}:{server.server_port}/ (Ctrl-C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def local_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded server for ``app``; ``port=0`` picks a free port (``server.server_port``)."""
    return make_server(host, port, app, threaded=True, request_handler=RedactingRequestHandler)
