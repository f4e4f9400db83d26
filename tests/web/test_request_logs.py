"""Request logs never hold a link token, a query string, a cookie or a Referer: not the
development server's (``ardesk web``), not gunicorn's access log in production."""

from __future__ import annotations

import logging
import socket
import urllib.error
import urllib.request
from pathlib import Path

from core.models import LinkScope
from tests.support.cli import cli_env
from tests.support.gunicorn import gunicorn
from tests.support.tls import free_port
from tests.web.conftest import issue_link
from web.serving import local_server, redact, redact_text

ROOT = Path(__file__).parents[2]


def _get(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_redaction_masks_tokens_and_drops_queries():
    assert redact("/l/abc.def-ghi") == "/l/…"
    assert redact("/l/abc.def/fresh?x=1") == "/l/…/fresh?…"
    assert redact("/verify?code=ABCD-EFGH") == "/verify?…"
    assert redact_text('GET /l/abc.def HTTP/1.1') == "GET /l/… HTTP/1.1"


def test_the_development_server_logs_no_token(app, world, caplog):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    server = local_server(app, "127.0.0.1", 0)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            _get(f"{base}/l/{link.token}")
            _get(f"{base}/verify?code=SECRET-CODE")
            # A malformed request line reaches the log through another path.
            with socket.create_connection(("127.0.0.1", server.server_port)) as raw:
                raw.sendall(f"GET /l/{link.token} BROKEN/9\r\n\r\n".encode())
                raw.recv(1024)
    finally:
        server.shutdown()
        server.server_close()
    assert "/l/…" in caplog.text
    assert link.token not in caplog.text and "SECRET-CODE" not in caplog.text


def test_gunicorn_with_the_shipped_config_logs_no_token(app, world, tmp_path):
    settings = app.extensions["ardesk.settings"]
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    port = free_port()
    log = tmp_path / "access.log"
    environ = {**cli_env(settings), "ARDESK_FROM_ADDRESS": "ar@supplier.example"}
    base = f"http://127.0.0.1:{port}"
    with gunicorn(environ, port, "--access-logfile", str(log)) as process:
        assert _get(f"{base}/l/{link.token}", Referer=f"{base}/l/{link.token}") == 200
        _get(f"{base}/verify?code=SECRET-CODE", Cookie="ardesk_session=COOKIE-VALUE")
    logged = log.read_text() + process.stderr.read().decode()
    assert "/l/…" in logged
    for secret in (link.token, "SECRET-CODE", "COOKIE-VALUE"):
        assert secret not in logged
