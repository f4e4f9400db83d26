"""Serving the app on a local port (``ardesk web``, the browser tests), without tokens in logs.

Link tokens are credentials in a URL; the request log shows ``/l/…`` instead of them.
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_TOKEN_PATH = re.compile(r"/l/[^/\s?]+")


def redact(path: str) -> str:
    return _TOKEN_PATH.sub("/l/…", path)


class RedactingRequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.requestline = redact(self.requestline)
        super().log_request(code, size)


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
