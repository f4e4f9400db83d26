"""SIGTERM, as a supervisor or a deploy sends it, stops each long-running process within its
bound with status 0, after finishing or giving back what it had in hand. (The worker's and the
clock's are proved beside their other faults: tests/bot/test_worker_faults.py and
tests/ardesk/test_clock_ticks.py; Slack Socket Mode's in tests/bot/test_slack.py.)"""

from __future__ import annotations

import re
import signal
import smtplib
import socket
import time
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select

from ardesk.commands.chat import TEAMS_SHUTDOWN
from core.models import InboundMessage, LoginRequest, ProcessKind, ProcessState
from tests.bot.conftest import eml
from tests.support.cli import cli_env
from tests.support.gunicorn import CONFIG, gunicorn
from tests.support.processes import ardesk, heartbeat_states, sigterm, wait_for
from tests.support.tls import free_port
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _inbox(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(InboundMessage)) or 0


def _graceful_timeout() -> float:
    # Read, not executed: running the config would switch this process into metrics'
    # multiprocess mode (it sets PROMETHEUS_MULTIPROC_DIR for gunicorn's workers).
    found = re.search(r"^graceful_timeout = ([0-9.]+)", CONFIG.read_text(), re.MULTILINE)
    assert found, "deploy/gunicorn.conf.py sets no graceful_timeout"
    return float(found.group(1))


def test_smtpd_stores_what_it_accepted_and_cuts_an_unfinished_session(world, tmp_path):
    port = free_port()
    env = {
        **cli_env(world.settings),
        "ARDESK_SMTP_INTAKE": f"127.0.0.1:{port}",
        "ARDESK_HEARTBEAT_INTERVAL": "1s",
    }
    process = ardesk(env, "smtpd", log=tmp_path / "smtpd.log")
    try:
        wait_for(lambda: _listening(port), what="smtpd to listen")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail("karen.whitlock@brookfield.example", ["ar@supplier.example"],
                            eml("outlook_invoice_copy_en.eml").replace(b"\n", b"\r\n"))  # fmt: skip
        unfinished = smtplib.SMTP("127.0.0.1", port, timeout=30)
        unfinished.ehlo()
        unfinished.mail("karen.whitlock@brookfield.example")
        unfinished.rcpt("ar@supplier.example")
        assert unfinished.docmd("DATA")[0] == 354
        unfinished.send(b"Subject: half a message\r\n\r\nThe first line")  # and no end
        assert heartbeat_states(world, ProcessKind.smtpd) == [ProcessState.running]
        assert sigterm(process, within=15) == 0
        unfinished.close()
    finally:
        if process.poll() is None:
            process.kill()
    # The accepted message is stored; the cut one was never acknowledged, so its sender still
    # holds it and tries again.
    assert _inbox(world) == 1
    assert heartbeat_states(world, ProcessKind.smtpd) == [ProcessState.stopped]


def test_teams_answers_the_request_in_hand_then_stops(world, tmp_path):
    port = free_port()
    settings = world.settings.replace(
        teams_app_id="app-id", teams_app_password="secret", teams_listen=f"127.0.0.1:{port}"
    )
    env = {**cli_env(settings, tmp_path), "ARDESK_HEARTBEAT_INTERVAL": "1s"}
    process = ardesk(env, "teams", log=tmp_path / "teams.log")
    try:
        wait_for(lambda: _listening(port), what="ardesk teams to listen")
        body = b'{"type": "message", "text": "balance?"}'
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            client.sendall(
                b"POST /api/messages HTTP/1.1\r\nHost: teams\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[:10]
            )
            time.sleep(0.5)  # the request is in the server's hands
            process.send_signal(signal.SIGTERM)
            wait_for(
                lambda: heartbeat_states(world, ProcessKind.teams) == [ProcessState.stopping],
                what="ardesk teams to say it is stopping",
            )
            client.sendall(body[10:])
            answer = client.recv(4096)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:80]  # answered, not cut
        assert process.wait(timeout=TEAMS_SHUTDOWN + 10) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert heartbeat_states(world, ProcessKind.teams) == [ProcessState.stopped]


def test_web_finishes_the_request_in_hand_then_stops(world, tmp_path):
    port = free_port()
    environ = {**cli_env(world.settings, tmp_path), "ARDESK_FROM_ADDRESS": "ar@supplier.example"}
    with gunicorn(environ, port) as process:
        form = httpx.get(f"http://127.0.0.1:{port}/login")
        body = urlencode(
            {"email": "karen.whitlock@brookfield.example", "csrf_token": csrf_token(form.text)}
        ).encode()
        cookies = "; ".join(f"{name}={value}" for name, value in form.cookies.items())
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            client.sendall(
                b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Cookie: {cookies}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body[:10]
            )
            time.sleep(0.5)  # a gunicorn worker is reading the request
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)  # every worker has been told to stop
            client.sendall(body[10:])
            answer = client.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:80]  # answered, not cut
        assert process.wait(timeout=_graceful_timeout() + 10) == 0
    with world.admin_session() as s:  # the request's work was done: the login link is queued
        assert s.scalar(select(func.count()).select_from(LoginRequest)) == 1
