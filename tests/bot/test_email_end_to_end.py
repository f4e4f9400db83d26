"""The email bot against real servers: Dovecot for IMAP, an SMTP server on loopback for replies,
the Flask app for the link. And the worker killed at every step, proving exactly-once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.failpoints import EXIT_CODE
from bot.worker import Worker
from core.models import InboundMessage, OutboundMessage
from tests.bot.conftest import eml
from tests.bot.support import text_of
from tests.support.cli import cli_env
from tests.support.dovecot import PASSWORD, DovecotServer, find_dovecot
from tests.support.services import missing
from tests.support.smtp_server import SmtpTestServer


@pytest.fixture(scope="module")
def dovecot() -> Iterator[DovecotServer]:
    binary = find_dovecot()
    if binary is None:
        missing("Dovecot", "apt-get install dovecot-imapd")
    server = DovecotServer(binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot):
    """An empty INBOX for each test."""
    client = dovecot.client()
    try:
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    finally:
        client.logout()
    return dovecot


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def wired(world, mailbox, smtp):
    world.settings = world.settings.replace(
        imap_url=mailbox.url, imap_password=PASSWORD, smtp_url=smtp.url, imap_poll_interval=1
    )
    return world


def _wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_it_answers_mail_appended_to_the_inbox_and_the_link_opens_the_pdf(wired, mailbox, smtp):
    worker = Worker(wired, wired.settings, poll_interval=0.2)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        mailbox.append(eml("gmail_statement_de.eml"))
        mailbox.append(eml("outlook_invoice_copy_en.eml"))
        _wait_for(lambda: len(smtp.messages) >= 2)
    finally:
        worker.stop()
        thread.join(timeout=20)
    by_recipient = {m.rcpt_tos[0]: m.message for m in smtp.messages}
    german = by_recipient["s.krueger@muehlbauer.example"]
    assert "Kontoauszug" in text_of(german) and german["Auto-Submitted"] == "auto-replied"
    reply = by_recipient["karen.whitlock@brookfield.example"]
    assert reply["In-Reply-To"].strip().startswith("<AM0PR07MB6113A1B2C3D4E5F6@")
    url = re.search(r"https?://\S+/l/(\S+)", text_of(reply))
    assert url, text_of(reply)

    from tests.web.conftest import follow
    from web import create_app

    app = create_app(wired.settings)
    client = app.test_client()
    landed = follow(client, url.group(1))
    assert landed.status_code in (302, 303)
    page = client.get(landed.headers["Location"])
    assert page.status_code == 200 and "INV-10423" in page.text
    pdf_path = re.search(r'href="([^"]+\.pdf[^"]*)"', page.text) or re.search(
        r'href="([^"]*/pdf[^"]*)"', page.text
    )
    assert pdf_path, "the invoice page links its PDF"
    pdf = client.get(pdf_path.group(1))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    # IMAP intake marked what it stored, and a second pass fetches nothing again.
    client_imap = mailbox.client()
    client_imap.select_folder("INBOX")
    assert len(client_imap.search(["SEEN"])) == 2
    client_imap.logout()
    from bot.channels.email.imap import ImapIntake

    assert ImapIntake(wired, wired.settings).poll_once() == 0


def _worker_once(db, failpoint: str | None = None) -> int:
    env = {**os.environ, **cli_env(db.settings)}
    env.pop("ARDESK_TEST_FAILPOINT", None)
    if failpoint:
        env["ARDESK_TEST_FAILPOINT"] = failpoint
    done = subprocess.run(
        [sys.executable, "-m", "ardesk", "worker", "--once"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return done.returncode


def _counts(db) -> tuple[int, int]:
    with db.admin_session() as s:
        return (
            s.scalar(select(func.count()).select_from(InboundMessage)),
            s.scalar(select(func.count()).select_from(OutboundMessage)),
        )


@pytest.mark.parametrize("failpoint", ["after_fetch", "after_decide", "after_send"])
def test_it_loses_nothing_and_sends_nothing_twice_when_the_worker_dies(
    wired, mailbox, smtp, failpoint
):
    mailbox.append(eml("outlook_invoice_copy_en.eml"))
    assert _worker_once(wired, failpoint) == EXIT_CODE  # killed where it hurts
    if failpoint == "after_fetch":
        # Stored but not yet marked as read in the mailbox: the next pass sees it again and
        # recognises the copy it already has.
        assert _counts(wired) == (1, 0)
    if failpoint == "after_send":
        assert len(smtp.messages) == 1
        with wired.admin_session() as s:  # let the interrupted send's lease run out
            for row in s.scalars(select(OutboundMessage)):
                row.next_attempt_at = row.next_attempt_at.replace(year=2000)
    assert _worker_once(wired) == 0
    assert _worker_once(wired) == 0  # and again: nothing more happens
    replies = [m for m in smtp.messages if m.rcpt_tos == ("karen.whitlock@brookfield.example",)]
    assert len(replies) == 1, f"{len(replies)} replies after a crash {failpoint}"
    with wired.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 1
        statuses = [row.status.value for row in s.scalars(select(OutboundMessage))]
    if failpoint == "after_send":
        # Nobody can know whether the reply arrived; AR is told rather than the customer twice.
        to_ar = [m for m in smtp.messages if m.rcpt_tos == ("ar-team@supplier.example",)]
        assert len(to_ar) == 1 and "failed" in statuses
    else:
        assert statuses == ["sent"]
