"""Feeding the harness's requests: half APPENDed over IMAP, half sent to `ardesk smtpd`, each
retried as a real client would when the server is down or refuses (a retry after a lost answer
may deliver a message twice: the inbox must keep one)."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import threading
import time
from dataclasses import dataclass, field

from tests.support.dovecot import DovecotServer


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
