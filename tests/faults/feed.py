"""Feeding the harness's requests: half APPENDed over IMAP, half sent to `ardesk smtpd`, each
retried as a real client would when the server is down or refuses (a retry after a lost answer
may deliver a message twice: the inbox must keep one)."""

from __future__ import annotations

import contextlib
import email.utils
import random
import smtplib
import socket
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select

from core.db import Database
from core.models import Contact, Invoice
from tests.support.dovecot import DovecotServer

REQUESTS = [
    ("Copy of invoice {n}", "Hello,\n\ncould you please send me a copy of invoice {n}?\n\nThanks"),
    ("Rechnung {n}", "Guten Tag,\n\nbitte senden Sie uns eine Kopie der Rechnung {n}.\n\nDanke"),
    ("Statement", "Hi,\n\nplease send our statement of account for last quarter.\n\nRegards"),
    ("Solde", "Bonjour,\n\nquel est le solde de notre compte ? Merci."),
    ("Payment", "Hello,\n\nhave you received our payment for invoice {n}?\n\nBest"),
]


def requests(db: Database, count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """``count`` requests from the demo's AP contacts about their own invoices."""
    with db.admin_session() as s:
        contacts = s.execute(
            select(Contact.email, Contact.account_id).where(Contact.role == "ap_contact")
        ).all()
        numbers: dict[int, list[str]] = {}
        for account_id, number in s.execute(select(Invoice.account_id, Invoice.number)):
            numbers.setdefault(account_id, []).append(number)
    out = []
    for i in range(count):
        address, account_id = rng.choice(contacts)
        subject, body = rng.choice(REQUESTS)
        number = rng.choice(numbers[account_id])
        message_id = f"<fault-{i}-{rng.getrandbits(40):x}@customer.example>"
        raw = (
            f"From: {address}\r\nTo: ar@supplier.example\r\nSubject: {subject.format(n=number)}\r\n"
            f"Date: {email.utils.formatdate()}\r\nMessage-ID: {message_id}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body.format(n=number)}\r\n"
        ).encode()
        out.append((message_id, raw))
    return out


@dataclass
class Feeder:
    dovecot: DovecotServer
    intake_port: int
    batch: list[tuple[str, bytes]]
    rate: float  # requests per second, both ways together
    fed: dict[str, float] = field(default_factory=dict)  # Message-ID → accepted at
    retries: int = 0

    @staticmethod
    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def run(self) -> None:
        threads = [
            threading.Thread(target=self._imap, args=(self.batch[0::2],), name="feed-imap"),
            threading.Thread(target=self._smtp, args=(self.batch[1::2],), name="feed-smtp"),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _paced(self, items: list[tuple[str, bytes]]):
        start, pace = time.monotonic(), self.rate / 2
        for i, item in enumerate(items):
            delay = start + i / pace - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            yield item

    def _imap(self, items: list[tuple[str, bytes]]) -> None:
        client = None
        for message_id, raw in self._paced(items):
            while True:
                try:
                    if client is None:
                        client = self.dovecot.client()
                    client.append("INBOX", raw)
                    break
                except Exception:  # a dropped session, a server restarting: reconnect, resend
                    self.retries += 1
                    client = None
                    time.sleep(0.5)
            self.fed[message_id] = time.time()
        if client is not None:
            client.logout()

    def _smtp(self, items: list[tuple[str, bytes]]) -> None:
        client = None
        for message_id, raw in self._paced(items):
            while True:
                try:
                    if client is None:
                        client = smtplib.SMTP("127.0.0.1", self.intake_port, timeout=30)
                    client.sendmail("ap@customer.example", ["ar@supplier.example"], raw)
                    break
                except (smtplib.SMTPException, OSError):  # 451 while the database is away
                    self.retries += 1
                    if client is not None:
                        with contextlib.suppress(OSError, smtplib.SMTPException):
                            client.close()
                    client = None
                    time.sleep(0.5)
            self.fed[message_id] = time.time()
        if client is not None:
            client.quit()
