"""The multi-process deployment under load: what rate it holds on this machine.

One PostgreSQL (both roles), two web processes (gunicorn with the shipped config), three
`ardesk worker`s (two reading IMAP) and `ardesk smtpd`, as tests/deploy runs them. First the
portal alone: customers signed in through their links read their invoice lists on both web
processes as fast as a few clients can (requests/s). Then the same clients keep reading while
--messages requests are fed faster than the workers take them (half by IMAP, half by SMTP
intake): the workers' drain rate from the first request fed to everything answered is the
sustained rate; the portal's requests/s meanwhile is what customers get during it.

    .venv/bin/python bench/deployment.py --messages 600
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from core import links  # noqa: E402
from core.demo.generate import DemoSpec  # noqa: E402
from core.demo.load import load_demo  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Contact, LinkScope  # noqa: E402
from tests.faults.account import tally  # noqa: E402
from tests.faults.feed import Feeder  # noqa: E402
from tests.support.ap_requests import ap_requests  # noqa: E402
from tests.support.deployment import (  # noqa: E402
    AR,
    Deployment,
    Visitor,
    deployment,
    running,
    wait_settled,
    web,
)


@dataclass
class PortalLoad:
    """Clients reading their invoice lists, spread over both web processes, until stopped."""

    visitors: list[tuple[Visitor, int]]  # a signed-in customer and the web port it uses
    done: int = 0
    failed: int = 0

    def run(self, stop: threading.Event) -> None:
        threads = [
            threading.Thread(target=self._client, args=(visitor, port, stop))
            for visitor, port in self.visitors
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _client(self, visitor: Visitor, port: int, stop: threading.Event) -> None:
        while not stop.is_set():
            status, _, _ = visitor.request(port, "GET", "/invoices")
            if status == 200:
                self.done += 1
            else:
                self.failed += 1

    def measure(self, seconds: float | None, until: threading.Event | None = None) -> float:
        """Requests/s over ``seconds``, or until ``until`` is set."""
        stop = threading.Event()
        before, started = self.done, time.monotonic()
        runner = threading.Thread(target=self.run, args=(stop,))
        runner.start()
        if until is not None:
            until.wait()
        else:
            time.sleep(seconds or 0)
        elapsed = time.monotonic() - started
        count = self.done - before
        stop.set()
        runner.join()
        return count / elapsed


def signed_in(stack: Deployment, clients: int) -> list[tuple[Visitor, int]]:
    settings = stack.db.settings
    signer = links.LinkSigner(settings.secret_key)
    with stack.db.admin_session() as s:
        contacts = list(s.scalars(select(Contact).where(Contact.role == "ap_contact")))
        tokens = [
            links.issue(
                s, signer, settings.base_url, contact, LinkScope.portal, ttl=timedelta(hours=2)
            ).token
            for contact in contacts[:clients]
        ]
    out = []
    for index, token in enumerate(tokens):
        port = stack.web_ports[index % 2]
        visitor = Visitor()
        visitor.follow_link(port, token)
        out.append((visitor, port))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4, help="portal clients at once")
    parser.add_argument("--feed-rate", type=float, default=100.0, help="requests fed per second")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ardesk-bench-deploy-"))
    with deployment(workdir) as stack:
        upgrade(stack.db.engine)
        load_demo(
            stack.db, DemoSpec(accounts=20, invoices_per_account=30, seed=11, as_of=date.today())
        )
        batch = ap_requests(stack.db, args.messages, random.Random(3), "bench")
        with web(stack), running(stack, workers=3):
            portal = PortalLoad(signed_in(stack, args.clients))
            idle_rate = portal.measure(args.idle_seconds)
            print(f"portal alone: {idle_rate:.1f} requests/s ({args.clients} clients)")

            drained = threading.Event()
            feeder = Feeder(stack.dovecot, stack.intake_port, batch, args.feed_rate)
            started = time.monotonic()

            def feed_and_drain() -> None:
                feeder.run()
                wait_settled(stack.db, timeout=1800)
                drained.set()

            feeding = threading.Thread(target=feed_and_drain)
            feeding.start()
            busy_rate = portal.measure(None, until=drained)
            elapsed = time.monotonic() - started
            feeding.join()
            result = tally(stack.db, feeder.fed, stack.smtp.messages, AR)
            print(
                f"mail: {result.fed} requests in {elapsed:.1f} s = {result.fed / elapsed:.1f} "
                f"messages/s (answered {result.answered}, handed off {result.handed_off}, lost "
                f"{result.lost}, duplicates {result.duplicates}); latency p50 {result.p50:.1f} s"
            )
            print(f"portal meanwhile: {busy_rate:.1f} requests/s, {portal.failed} failed")
            print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
