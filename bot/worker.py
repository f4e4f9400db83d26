"""`ardesk worker`: intake (IMAP IDLE or polling), the pipeline, and outbox delivery.

Everything durable is in the database, so any number of workers may run on PostgreSQL (they claim
with SKIP LOCKED) and a killed worker loses nothing: its claims and sends are recovered by the
next one. On SQLite run one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot import failpoints
from bot.channels import dispatch
from bot.outbox import DeliveryReport, deliver_due
from bot.process import process
from bot.store import claim
from core.config import Settings
from core.db import Database
from core.models import OutboundMessage

log = logging.getLogger(__name__)


@dataclass
class Worker:
    db: Database
    settings: Settings
    send: Callable[[OutboundMessage], None] | None = None
    poll_interval: float = 0.5
    batch: int = 5
    wake: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        if self.send is None:  # each row through its own channel's transport
            self.send = dispatch(self.settings)

    def process_pending(self) -> int:
        """Process what is claimable, delivering replies after each batch so the first answers
        leave while the rest of a burst is still being read."""
        done = 0
        while not self.stopping.is_set():
            ids = claim(self.db, limit=self.batch)
            if not ids:
                return done
            for message_id in ids:
                process(self.db, self.settings, message_id)
                failpoints.reach("after_decide")
                done += 1
            self.deliver()
        return done

    def deliver(self) -> DeliveryReport:
        return deliver_due(self.db, self.settings, self.send)

    def run_once(self, *, intake: bool = True) -> tuple[int, DeliveryReport]:
        """One pass: fetch new mail (if IMAP is configured), process, deliver."""
        if intake and self.settings.imap_url:
            from bot.channels.email.imap import ImapIntake

            ImapIntake(self.db, self.settings).poll_once()
        return self.process_pending(), self.deliver()

    def run(self, *, intake: bool = True) -> None:
        threads = []
        if intake and self.settings.imap_url:
            from bot.channels.email.imap import ImapIntake

            imap = ImapIntake(self.db, self.settings, on_stored=self.wake.set)
            threads.append((imap, threading.Thread(target=imap.run, name="imap", daemon=True)))
        for _, thread in threads:
            thread.start()
        log.info("worker running (%s)", ", ".join(t.name for _, t in threads) or "no intake")
        try:
            while not self.stopping.is_set():
                try:
                    self.run_once(intake=False)  # the intake thread fetches
                except Exception:
                    log.exception("worker pass failed; retrying")
                self.wake.wait(self.poll_interval)
                self.wake.clear()
        finally:
            for intake_loop, thread in threads:
                intake_loop.stop()
                thread.join(timeout=10)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
