"""Every log line of a whole run, read for leaks: mail in through `ardesk smtpd`, decided by
`ardesk worker`, the reply delivered through a loopback SMTP server, its link opened in the
portal under gunicorn and the invoice's PDF downloaded — all in JSON, as production logs.

No line may hold the message's text or subject, the link's token, or the sender's or the
recipient's address; every line is one JSON object; and the ids that follow one message are
the same in the worker's decision and delivery lines.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from core.models import InboundMessage
from tests.bot.support import text_of
from tests.support.cli import cli_env
from tests.support.gunicorn import gunicorn
from tests.support.smtp_server import SmtpTestServer
from tests.support.tls import free_port

SENDER = "karen.whitlock@brookfield.example"
US = "ar@supplier.example"


def _request(subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["Authentication-Results"] = (
        "mx.supplier.example; spf=pass smtp.mailfrom=brookfield.example; "
        "dkim=pass header.d=brookfield.example; dmarc=pass header.from=brookfield.example"
    )
    message["From"] = f"Karen Whitlock <{SENDER}>"
    message["To"] = f"Accounts Receivable <{US}>"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@mail.brookfield.example>"
    message["Date"] = "Tue, 10 Nov 2026 09:13:58 +0000"
    message.set_content(body)
    return message.as_bytes()


def _environ(settings) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ARDESK_")}
    return {**environ, **cli_env(settings), "ARDESK_LOG_FORMAT": "json"}


def _ardesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "ardesk", *args]


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _mail_in(settings, raw: bytes, log: Path) -> None:
    """`ardesk smtpd` receives the message, as an MTA would hand it over."""
    port = free_port()
    with log.open("wb") as stderr:
        smtpd = subprocess.Popen(
            _ardesk("smtpd", "--host", "127.0.0.1", "--port", str(port)),
            env=_environ(settings),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            _wait_for(lambda: _listening(port) or smtpd.poll() is not None)
            with smtplib.SMTP("127.0.0.1", port) as client:
                assert client.sendmail(SENDER, [US], raw) == {}
        finally:
            smtpd.terminate()
            smtpd.wait(timeout=30)


class Visitor:
    """A browser over plain HTTP: the session cookie is Secure outside development, so it is
    carried by hand."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.cookie = ""

    def go(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Cookie": self.cookie}
        response = self.http.request(method, path, headers=headers, **kwargs)
        for value in response.headers.get_list("set-cookie"):
            if value.startswith("ardesk_session="):
                self.cookie = value.split(";", 1)[0]
        return response


def _portal(settings, token: str, logs_dir: Path) -> tuple[list[str], dict[str, str]]:
    """Open the link, land on the invoice, download its PDF; the request ids the portal gave."""
    port = free_port()
    access = logs_dir / "access.log"
    ids: dict[str, str] = {}
    environ = {k: v for k, v in _environ(settings).items() if k.startswith("ARDESK_")}
    with gunicorn(environ, port, "--access-logfile", str(access)) as process:
        visitor = Visitor(f"http://127.0.0.1:{port}")
        opened = visitor.go("GET", f"/l/{token}", headers={"X-Request-ID": "logscan-0001"})
        assert opened.status_code == 200
        ids["chosen"] = opened.headers["X-Request-ID"]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', opened.text)
        assert csrf
        landed = visitor.go("POST", f"/l/{token}", data={"csrf_token": csrf.group(1)})
        assert landed.status_code == 303, landed.text
        page = visitor.go("GET", landed.headers["Location"], headers={"X-Request-ID": SENDER})
        assert page.status_code == 200 and "INV-10423" in page.text
        ids["refused"] = page.headers["X-Request-ID"]
        pdf_path = re.search(r'href="([^"]*\.pdf[^"]*|[^"]*/pdf[^"]*)"', page.text)
        assert pdf_path, "the invoice page links its PDF"
        pdf = visitor.go("GET", pdf_path.group(1).replace("&amp;", "&"))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        ids["pdf"] = pdf.headers["X-Request-ID"]
    stderr = process.stderr.read().decode() if process.stderr else ""
    return access.read_text().splitlines() + stderr.splitlines(), ids


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_no_log_line_of_a_whole_run_holds_a_body_a_subject_a_token_or_an_address(world, tmp_path):
    marker = uuid.uuid4().hex[:12]
    subject = f"Copy of invoice INV-10423 (ticket Plover{marker})"
    body_marker = f"Kestrel{marker}"
    body = (
        "Hi there,\n\nCould you please send me a copy of invoice INV-10423? It never reached "
        f"our AP inbox. Internal note {body_marker}.\n\nThanks,\nKaren Whitlock\n"
    )
    with SmtpTestServer() as smtp:
        settings = world.settings.replace(smtp_url=smtp.url)
        _mail_in(settings, _request(subject, body), tmp_path / "smtpd.log")
        with world.admin_session() as s:
            (message_id,) = s.scalars(select(InboundMessage.id)).all()
        worker = subprocess.run(
            _ardesk("worker", "--once", "--no-intake"),
            env=_environ(settings),
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert worker.returncode == 0, worker.stderr.decode()[-3000:]
        (reply,) = smtp.messages
    assert reply.rcpt_tos == (SENDER,)
    token = re.search(r"https?://\S+/l/(\S+)", text_of(reply.message))
    assert token, text_of(reply.message)
    portal_lines, ids = _portal(settings, token.group(1), tmp_path)

    lines = (
        (tmp_path / "smtpd.log").read_text().splitlines()
        + worker.stderr.decode().splitlines()
        + portal_lines
    )
    records = []
    for line in lines:
        if line.strip():
            record = json.loads(line)  # every line, of every process, is one JSON object
            assert {"time", "level", "logger", "event"} <= record.keys(), line
            records.append(record)

    everything = "\n".join(lines).lower()
    for secret in (body_marker, marker, subject, token.group(1), SENDER, US, "karen.whitlock"):
        assert secret.lower() not in everything, secret

    def having(logger: str, **fields) -> list[dict]:
        return [
            r
            for r in records
            if r["logger"] == logger and all(r.get(k) == v for k, v in fields.items())
        ]

    (stored,) = having("ardesk.intake", message_id=message_id)
    assert stored["sender_domain"] == "brookfield.example" and stored["channel"] == "email"
    (decision,) = having("ardesk.decision", message_id=message_id)
    assert decision["sender_domain"] == "brookfield.example"
    assert decision["sender_status"] == "verified" and decision["action"] == "reply"
    assert "invoice_copy" in decision["intents"] and decision["links"] >= 1
    assert isinstance(decision["duration_ms"], int)
    (delivery,) = having("ardesk.delivery", message_id=message_id)
    assert delivery["result"] == "sent" and delivery["attempt"] == 1
    assert delivery["channel"] == "email" and delivery["outbox_id"] >= 1
    assert delivery["recipient_domain"] == "brookfield.example"

    # The portal: a safe request id given is kept, an address offered as one is not.
    assert ids["chosen"] == "logscan-0001" and ids["refused"] != SENDER
    requests = having("gunicorn.access")
    assert {ids["chosen"], ids["refused"], ids["pdf"]} <= {r.get("request_id") for r in requests}
    (opened,) = [r for r in requests if r.get("request_id") == ids["chosen"]]
    assert opened["path"] == "/l/…" and opened["status"] == "200"
