"""Serving the app on a local port (``ardesk web``, the browser tests), without tokens in logs.

Link tokens are credentials in a URL; the request log shows ``/l/…`` instead of them.
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_TOKEN_PATH = re.compile(r"/l/[^/\s?#\"]+")


def redact(target: str) -> str:
    """A request target as logs may show it: link tokens masked, the query string dropped
    (links, searches and verification codes travel there)."""
    path, _, query = target.partition("?")
    return _TOKEN_PATH.sub("/l/…", path) + ("?…" if query else "")


def redact_text(text: str) -> str:
    """Mask link tokens and query strings inside a longer text (a request line, an error)."""
    return re.sub(r"\S*/l/\S+|\?\S+", lambda m: redact(m.group(0)), text)


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
