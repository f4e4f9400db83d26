"""Request logs never hold a link token, a query string, a cookie or a Referer: not the
development server's (``ardesk web``), not gunicorn's access log in production."""

from __future__ import annotations

import ast
import json
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from core.links import LinkSigner
from core.models import LinkScope
from tests.support.cli import cli_env
from tests.support.gunicorn import CONFIG, gunicorn
from tests.support.tls import free_port
from tests.web.conftest import issue_link
from web import access_log
from web.serving import local_server, redact, redact_text

ROOT = Path(__file__).parents[2]
TOKEN = LinkSigner("k" * 40).sign("a-link-id-0123456789")


def _escaped(text: str, every: int = 3) -> str:
    """``text`` with every ``every``-th character percent-encoded (mixed-case hex), as a probe
    spells a link so that no pattern for ``/l/<token>`` sees it."""
    return "".join(
        (f"%{ord(c):02x}" if i % 2 else f"%{ord(c):02X}") if i % every == 0 else c
        for i, c in enumerate(text)
    )


# Spellings of one link that gunicorn hands the app as /l/<token> (or that decode to it).
SPELLINGS = {
    "plain": f"/l/{TOKEN}",
    "escaped_l_and_token": f"/%6c/{_escaped(TOKEN)}",
    "upper_hex": f"/%6C/{_escaped(TOKEN, 2)}",
    "every_character": "/" + _escaped(f"l/{TOKEN}", 1),
    "escaped_slash": f"/l%2F{TOKEN}",
    "escaped_slash_lower": f"/%6c%2f{_escaped(TOKEN)}",
    "double_slashes": f"//l//{TOKEN}",
    "path_parameter": f"/l;x=1/{_escaped(TOKEN)}",
    "dot_segment": f"/l/./{_escaped(TOKEN)}",
    "then_fresh": f"/%6c/{_escaped(TOKEN)}/fresh",
    "with_query": f"/%6c/{_escaped(TOKEN)}?src=mail",
    "escaped_twice": f"/%256c/{_escaped(_escaped(TOKEN))}",
    "absolute_form": f"http://portal.example/%6c/{_escaped(TOKEN)}",
}


def _shipped(name: str) -> str:
    """A setting of deploy/gunicorn.conf.py, read without running the file (which sets up a
    metrics directory)."""
    for node in ast.parse(CONFIG.read_text()).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise LookupError(name)


def _exposes(text: str) -> bool:
    """Whether ``text`` holds the token, as written or once or twice decoded."""
    return any(TOKEN in candidate for candidate in (text, unquote(text), unquote(unquote(text))))


@pytest.fixture
def gunicorn_logger(tmp_path, monkeypatch) -> Iterator:
    """gunicorn's logger as the shipped config names it, writing its access log to a file; call
    it with the log format to use."""
    made = []

    def make(log_format: str) -> access_log.RedactingLogger:
        monkeypatch.setattr(access_log, "_log_format", lambda: log_format)
        cfg = Config()
        cfg.set("accesslog", str(tmp_path / "access.log"))
        cfg.set("errorlog", str(tmp_path / "error.log"))
        cfg.set("access_log_format", _shipped("access_log_format"))
        made.append(access_log.RedactingLogger(cfg))
        return made[-1]

    yield make
    for logger in made:
        for log in (logger.access_log, logger.error_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
                handler.close()


def _request(logger, target: str, *, location: str = "") -> SimpleNamespace:
    """What gunicorn has in hand when it logs a request for ``target``: the request its parser
    read, the environ it built, and the response (a redirect to ``location`` if given)."""
    raw = (
        f"GET {target} HTTP/1.1\r\nHost: portal.example\r\nUser-Agent: probe/1\r\n"
        f"Referer: https://portal.example{target}\r\nCookie: ardesk_session=COOKIE\r\n\r\n"
    )
    request = next(iter(RequestParser(logger.cfg, iter([raw.encode()]), ("127.0.0.1", 5000))))
    socket_ = SimpleNamespace(send=lambda data: None, sendall=lambda data: None)
    response, environ = wsgi.create(
        request, socket_, ("127.0.0.1", 5000), "127.0.0.1:8000", logger.cfg
    )
    response.status = "308 PERMANENT REDIRECT" if location else "200 OK"
    response.headers = [("Location", location), ("Set-Cookie", f"s={TOKEN}")] if location else []
    return SimpleNamespace(request=request, response=response, environ=environ)


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
    assert redact_text("GET /l/abc.def HTTP/1.1") == "GET /l/… HTTP/1.1"


def test_redaction_reads_a_target_as_the_app_does_however_it_is_spelt():
    for name, target in SPELLINGS.items():
        shown = redact(target)
        assert "/…" in shown and not _exposes(shown), name
    assert redact_text(f"GET {SPELLINGS['escaped_slash']} HTTP/1.1") == "GET /l/… HTTP/1.1"
    # Decoding never lets a line break or a quote into the line.
    assert redact("/static/a%20b%0A%22c.css") == "/static/a%20b%0A%22c.css"
    assert redact_text("100% done") == "100% done"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_no_access_log_atom_holds_a_token_however_the_link_is_spelt(gunicorn_logger, spelling):
    logger = gunicorn_logger("text")
    target = SPELLINGS[spelling]
    seen = _request(logger, target, location=f"https://portal.example/l/{TOKEN}")
    atoms = logger.atoms(seen.response, seen.request, seen.environ, timedelta(milliseconds=3))
    leaking = {name: value for name, value in atoms.items() if _exposes(str(value))}
    assert leaking == {}
    assert atoms["r"].startswith("GET ") and atoms["r"].endswith(" HTTP/1.1")
    assert "/…" in atoms["r"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_gunicorns_access_log_holds_no_token_however_the_link_is_spelt(
    gunicorn_logger, tmp_path, log_format
):
    logger = gunicorn_logger(log_format)
    for target in SPELLINGS.values():
        seen = _request(logger, target)
        logger.access(seen.response, seen.request, seen.environ, timedelta(milliseconds=3))
    lines = (tmp_path / "access.log").read_text().splitlines()
    assert len(lines) == len(SPELLINGS)
    assert [line for line in lines if _exposes(line)] == []
    if log_format == "json":
        assert {json.loads(line)["path"] for line in lines} >= {"/l/…", "/l/…/fresh"}
    else:
        assert sum('"GET /l/… HTTP/1.1"' in line for line in lines) >= 5


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
            _get(f"{base}/%6c/{_escaped(link.token)}")
            _get(f"{base}/verify?code=SECRET-CODE")
            # A malformed request line reaches the log through another path.
            with socket.create_connection(("127.0.0.1", server.server_port)) as raw:
                raw.sendall(f"GET /l/{link.token} BROKEN/9\r\n\r\n".encode())
                raw.recv(1024)
    finally:
        server.shutdown()
        server.server_close()
    assert "/l/…" in caplog.text
    assert link.token not in unquote(caplog.text) and "SECRET-CODE" not in caplog.text


def _shipped_gunicorn(app, tmp_path):
    """gunicorn with the shipped config on a free port: its base URL, its access log's path and
    a context that serves while it is open."""
    settings = app.extensions["ardesk.settings"]
    port = free_port()
    log = tmp_path / "access.log"
    environ = {**cli_env(settings), "ARDESK_FROM_ADDRESS": "ar@supplier.example"}
    return f"http://127.0.0.1:{port}", log, gunicorn(environ, port, "--access-logfile", str(log))


def test_gunicorn_with_the_shipped_config_logs_no_token(app, world, tmp_path):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    base, log, serving = _shipped_gunicorn(app, tmp_path)
    with serving as process:
        assert _get(f"{base}/l/{link.token}", Referer=f"{base}/l/{link.token}") == 200
        _get(f"{base}/verify?code=SECRET-CODE", Cookie="ardesk_session=COOKIE-VALUE")
    logged = log.read_text() + process.stderr.read().decode()
    assert "/l/…" in logged
    for secret in (link.token, "SECRET-CODE", "COOKIE-VALUE"):
        assert secret not in logged


def test_gunicorn_opens_a_percent_encoded_link_and_logs_no_token(app, world, tmp_path):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    base, log, serving = _shipped_gunicorn(app, tmp_path)
    spelt = f"/%6c/{_escaped(link.token)}"
    with serving as process:
        # The link opens however it is spelt: this is a working token, not a harmless path.
        assert _get(f"{base}{spelt}") == 200
        assert _get(f"{base}/l%2F{_escaped(link.token, 2)}") == 200
    logged = log.read_text() + process.stderr.read().decode()
    assert logged.count('"GET /l/… HTTP/1.1" 200') == 2
    assert link.token not in unquote(logged) and spelt not in logged
