"""A deployment shaped like production, on one machine: PostgreSQL with both roles, Dovecot for
IMAP intake, a loopback SMTP server that receives the replies, and the settings every `ardesk`
process of it shares. The processes themselves are started by the caller (tests.faults.fleet for
`ardesk` commands, tests.support.gunicorn for the web).

Used by the fault harness, the multi-process and upgrade tests, and bench/deployment.py.
"""

from __future__ import annotations

import http.client
import os
import re
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from core.config import load_settings
from core.db import Database
from core.models import InboundMessage, InboundStatus, OutboundMessage
from tests.faults.fleet import Fleet
from tests.support.dovecot import PASSWORD, DovecotServer, find_dovecot
from tests.support.gunicorn import gunicorn
from tests.support.postgres import PostgresServer, find_bindir
from tests.support.smtp_server import Captured, SmtpTestServer
from tests.support.tls import free_port

AR = "ar-team@supplier.example"
SETTINGS = {
    "ARDESK_ENV": "test",
    "ARDESK_SECRET_KEY": "f" * 48,
    "ARDESK_FROM_ADDRESS": "ar@supplier.example",
    "ARDESK_AR_ADDRESS": AR,
    "ARDESK_REPLIES_PER_SENDER_HOUR": "1000000",
    "ARDESK_REPLIES_PER_ACCOUNT_HOUR": "1000000",
    "ARDESK_IMAP_POLL_INTERVAL": "1",
}


def servers_missing() -> str | None:
    """What this machine lacks to run a deployment, if anything."""
    if find_bindir() is None:
        return "PostgreSQL server"
    if find_dovecot() is None:
        return "Dovecot"
    return None


@dataclass
class Deployment:
    workdir: Path
    pg: PostgresServer
    dovecot: DovecotServer
    smtp: SmtpTestServer
    intake_port: int  # where `ardesk smtpd` listens, when one runs
    web_ports: tuple[int, int]  # where the two web processes listen; links name the first
    settings: dict[str, str]  # the ARDESK_* variables every process of the deployment shares
    db: Database  # the privileged role, for the caller's own checks

    def environ(self, **extra: str) -> dict[str, str]:
        """The environment of a process of this deployment (no ARDESK_* of the caller's own)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARDESK_")}
        return {**env, **self.settings, **extra}


@contextmanager
def deployment(workdir: Path, **settings: str) -> Iterator[Deployment]:
    """Start the servers; ``settings`` (ARDESK_* names) add to or replace :data:`SETTINGS`."""
    pg = PostgresServer(find_bindir())
    pg.start()
    dovecot = smtp = db = None
    try:
        pg.create_roles()
        url, portal = pg.create_database("ardesk")
        dovecot = DovecotServer(find_dovecot())
        dovecot.start()
        smtp = SmtpTestServer().start()
        intake_port = free_port()
        web_ports = (free_port(), free_port())
        shared = {
            "ARDESK_BASE_URL": f"http://127.0.0.1:{web_ports[0]}",
            **SETTINGS,
            "ARDESK_VAR_DIR": str(workdir),
            "ARDESK_DATABASE_URL": url,
            "ARDESK_PORTAL_DATABASE_URL": portal,
            "ARDESK_IMAP_URL": dovecot.url,
            "ARDESK_IMAP_PASSWORD": PASSWORD,
            "ARDESK_SMTP_URL": smtp.url,
            "ARDESK_SMTP_INTAKE": f"127.0.0.1:{intake_port}",
            **settings,
        }
        db = Database.connect(load_settings(shared, read_dotenv=False))
        yield Deployment(workdir, pg, dovecot, smtp, intake_port, web_ports, shared, db)
    finally:
        if db is not None:
            db.dispose()
        if smtp is not None:
            smtp.stop()
        if dovecot is not None:
            dovecot.stop()
        pg.stop()


@contextmanager
def running(stack: Deployment, workers: int = 3, cwd: Path | None = None) -> Iterator[Fleet]:
    """`ardesk smtpd` and ``workers`` workers (all but the last read IMAP too), started from
    ``cwd`` (the current code when None), until the block ends; then SIGTERM."""
    fleet = Fleet(stack.environ(**({"PYTHONPATH": str(cwd)} if cwd else {})), stack.workdir, cwd)
    try:
        fleet.add("smtpd", "smtpd")
        for index in range(workers):
            last = index == workers - 1 and workers > 1
            fleet.add(f"worker-{index + 1}", "worker", *(["--no-intake"] if last else []))
        for name in fleet.names("worker"):
            fleet.wait_ready(name, "decision process ready")
        fleet.wait_ready("smtpd", "listening")
        yield fleet
    finally:
        fleet.stop_all()


@contextmanager
def web(stack: Deployment) -> Iterator[None]:
    """Two web processes (gunicorn, as production runs it) on :attr:`Deployment.web_ports`."""
    first, second = stack.web_ports
    with gunicorn(stack.settings, first), gunicorn(stack.settings, second):
        yield


def wait_settled(db: Database, timeout: float, *, stored: int = 0) -> bool:
    """Whether, within ``timeout``, at least ``stored`` inbound messages are in the database and
    all is settled. Without the count, the workers could be done with every message taken in
    while the last ones fed still waited for the next look at the mailbox: they were then
    counted as lost."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stored_messages(db) >= stored and settled(db):
            return True
        time.sleep(0.5)
    return False


def stored_messages(db: Database) -> int:
    try:
        with db.admin_session() as s:
            return s.scalar(select(func.count()).select_from(InboundMessage)) or 0
    except Exception:  # the database may be restarting: nothing counted yet
        return 0


OPEN = (InboundStatus.received, InboundStatus.processing)


def unfinished(db: Database) -> int:
    """Inbound messages still waiting for or in a worker's hands."""
    with db.admin_session() as s:
        return s.scalar(
            select(func.count()).select_from(InboundMessage).where(InboundMessage.status.in_(OPEN))
        )


def settled(db: Database) -> bool:
    """Every message decided and every outbound delivery done (or given up)."""
    try:
        with db.admin_session() as s:
            open_out = s.scalar(
                select(func.count())
                .select_from(OutboundMessage)
                .where(OutboundMessage.status.in_(["pending", "sending"]))
            )
        return open_out == 0 and unfinished(db) == 0
    except Exception:  # the database may be restarting: not settled yet
        return False


LINK = re.compile(r"https?://[^/\s]+/l/([A-Za-z0-9_\-.~]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def link_tokens(captured: list[Captured]) -> list[tuple[str, str]]:
    """(recipient, link token) of every reply that carries a link."""
    found = []
    for item in captured:
        for part in item.message.walk():
            if part.get_content_type() == "text/plain":
                match = LINK.search(part.get_content())
                if match:
                    found.append((item.rcpt_tos[0], match.group(1)))
                    break
    return found


@dataclass
class Visitor:
    """A customer's browser over plain HTTP to the web processes: it keeps its cookies itself,
    Secure or not (the tests' web has no TLS), and may send them to either process."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict[str, str] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status, response.getheader("Location"), response.read().decode()
        finally:
            conn.close()

    def follow_link(self, port: int, token: str) -> str:
        """Open an emailed link and press Continue; returns where the portal sends the visitor."""
        status, _, page = self.request(port, "GET", f"/l/{token}")
        assert status == 200, (status, page[:300])
        match = CSRF.search(page)
        assert match, "the link page has no form"
        status, location, _ = self.request(
            port, "POST", f"/l/{token}", {"csrf_token": match.group(1)}
        )
        assert status in (302, 303) and location, status
        return urllib.parse.urlsplit(location).path or "/"
