"""A local HTTP server that replays an ERP's API: routes answer with canned, documented-format
responses; every request is recorded so tests can check paging and authentication."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    base: str = ""  # the server's own URL, for the next links it writes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


Handler = Callable[[Request], Reply | Any]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


class FakeERP:
    """``erp.route("GET", "/odata/customers", handler)``; a handler returns a Reply or a JSON
    body. ``erp.fail_next(path, status, times)`` makes the next calls of a path fail."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Request] = []
        self.failures: dict[str, list[Reply]] = {}
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    split.path,
                    {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                    outer.url,
                )
                outer.requests.append(request)
                reply = outer._answer(request)
                if isinstance(reply.body, bytes | str):
                    payload = reply.body if isinstance(reply.body, bytes) else reply.body.encode()
                else:
                    payload = json.dumps(reply.body, default=_default).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, *_args: Any) -> None:  # keep test output quiet
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, handler: Handler | Any) -> None:
        self.routes[(method, path)] = handler if callable(handler) else (lambda _r: handler)

    def fail_next(self, path: str, reply: Reply, times: int = 1) -> None:
        self.failures.setdefault(path, []).extend([reply] * times)

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _answer(self, request: Request) -> Reply:
        queued = self.failures.get(request.path)
        if queued:
            return queued.pop(0)
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return Reply(404, {"error": {"code": "NotFound", "message": "no such resource"}})
        result = handler(request)
        return result if isinstance(result, Reply) else Reply(200, result)

    def __enter__(self) -> FakeERP:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
