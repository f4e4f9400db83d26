"""`ardesk worker`: intake (IMAP IDLE or polling), the pipeline, and outbox delivery.

Everything durable is in the database, so any number of workers may run on PostgreSQL (they claim
with SKIP LOCKED) and a killed worker loses nothing: its claims and sends are recovered by the
next one. On SQLite run one.

On PostgreSQL a worker is woken as soon as another process stores a request (``bot.wakeup``);
otherwise it polls every ``poll_interval``. Replies leave from a delivery thread while the next
request is being decided.

Each message is decided in a child process under a hard deadline (``bot.decider``); a message
past it goes to AR and the worker carries on. The worker renews its claims before each message,
so a live worker's messages are never taken over. Asked to stop, it finishes the message in hand
(at most one deadline), gives back the rest of its batch and stops between deliveries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot import failpoints
from bot.channels import dispatch
from bot.decider import DecisionProcess, Outcome
from bot.logbook import message_scope
from bot.login_links import send_login_links
from bot.outbox import DeliveryReport, deliver_due
from bot.process import give_up
from bot.store import claim, record_failure, release, renew
from bot.wakeup import Listener
from core import metrics
from core.config import Settings
from core.db import Database
from core.heartbeats import IntakeHealth
from core.links import LinkSigner
from core.models import OutboundMessage

log = logging.getLogger(__name__)


@dataclass
class Worker:
    db: Database
    settings: Settings
    send: Callable[[OutboundMessage], None] | None = None
    poll_interval: float = 0.5
    # Requests claimed at a time. One: each reply leaves as soon as it is decided, and another
    # worker takes the next request rather than it waiting behind this one's batch (a batch of
    # five doubled the chat reply's p99 in bench/chat.py).
    batch: int = 1
    wake: threading.Event = field(default_factory=threading.Event)
    due: threading.Event = field(default_factory=threading.Event)  # replies wait in the outbox
    stopping: threading.Event = field(default_factory=threading.Event)
    decider: DecisionProcess | None = None
    health: IntakeHealth = field(default_factory=IntakeHealth)  # IMAP's, for the heartbeat
    # `run` delivers from a thread of its own: a reply is posted while the next request is
    # decided (in the child process), instead of the two taking turns.
    deliverer: threading.Thread | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.send is None:  # each row through its own channel's transport
            self.send = dispatch(self.settings)
            if self.settings.smtp_url:
                # The email transport is made at the first delivery; its URL is checked now, so
                # one that cannot be used (a login over plain smtp://, no TLS in production)
                # stops the worker at start in one line, as a bad ARDESK_IMAP_URL does.
                from mailers.smtp import SmtpConfig

                SmtpConfig.from_settings(self.settings)
        if self.decider is None:
            self.decider = DecisionProcess(self.settings)

    def process_pending(self) -> int:
        """Process what is claimable, delivering replies after each batch (``batch``) so the
        first answers leave while the rest of a burst is still being read."""
        done = 0
        lease = self.settings.worker_lease
        while not self.stopping.is_set():
            ids = claim(self.db, limit=self.batch, lease=lease)
            if not ids:
                return done
            for index, message_id in enumerate(ids):
                if self.stopping.is_set():
                    release(self.db, ids[index:])
                    return done
                if index:  # the claim itself started the first one's lease
                    renew(self.db, ids[index:])
                self.decide(message_id)
                failpoints.reach("after_decide")
                done += 1
            if self.deliverer is not None:
                self.due.set()
            else:
                self.deliver()
        return done

    def decide(self, message_id: int) -> Outcome:
        assert self.decider is not None
        with message_scope(self.db, message_id):
            outcome = self.decider.decide(message_id)
            if outcome is Outcome.overdue:
                seconds = self.settings.message_deadline.total_seconds()
                log.warning("message %s not decided within %g s: handed to AR", message_id, seconds)
                give_up(self.db, self.settings, message_id, f"not decided within {seconds:g} s")
                metrics.count_error(metrics.ErrorKind.decision_overdue)
            elif outcome is Outcome.crashed:
                log.warning("the decision process died on message %s", message_id)
                record_failure(self.db, message_id, "the decision process died")
                metrics.count_error(metrics.ErrorKind.decision_crashed)
        return outcome

    def deliver(self, chunk: int = 1) -> DeliveryReport:
        """Deliver what is due one reply at a time: a worker killed while sending leaves only
        the reply in its hands in doubt (not a whole claimed chunk), and a stop waits for at
        most that one."""
        # Links asked for at /login are emailed here, so they leave with the next delivery.
        send_login_links(self.db, self.settings, LinkSigner(self.settings.secret_key))
        total = DeliveryReport()
        recover = True  # once a call: a dead worker's rows need no looking for between rows
        while not self.stopping.is_set():
            report = deliver_due(self.db, self.settings, self.send, limit=chunk, recover=recover)
            recover = False
            for name in ("sent", "retried", "failed", "unknown"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if report.sent + report.retried + report.failed < chunk:
                break
        metrics.count_deliveries(**vars(total))
        return total

    def run_once(self, *, intake: bool = True) -> tuple[int, DeliveryReport]:
        """One pass: fetch new mail (if IMAP is configured), process, deliver."""
        if intake and self.settings.imap_url:
            from bot.channels.email.imap import ImapIntake

            ImapIntake(self.db, self.settings, health=self.health).poll_once()
        try:
            return self.process_pending(), self.deliver()
        finally:
            self.close()

    def run(self, *, intake: bool = True) -> None:
        threads = []
        if intake and self.settings.imap_url:
            from bot.channels.email.imap import ImapIntake

            imap = ImapIntake(self.db, self.settings, on_stored=self.wake.set, health=self.health)
            threads.append((imap, threading.Thread(target=imap.run, name="imap", daemon=True)))
        if self.db.dialect == "postgresql":  # woken as soon as another process stores a request
            listener = Listener(self.db, self.wake)
            thread = threading.Thread(target=listener.run, name="listen", daemon=True)
            threads.append((listener, thread))
        for _, thread in threads:
            thread.start()
        log.info("worker running (%s)", ", ".join(t.name for _, t in threads) or "no intake")
        assert self.decider is not None
        self.decider.start()  # now, not on the first message: its start-up is no one's wait
        self.deliverer = threading.Thread(target=self._deliver_loop, name="deliver", daemon=True)
        self.deliverer.start()
        try:
            while not self.stopping.is_set():
                try:
                    self.process_pending()  # the intake thread fetches
                except Exception:
                    log.exception("worker pass failed; retrying")
                self.wake.wait(self.poll_interval)
                self.wake.clear()
        finally:
            self.stop()
            self.deliverer.join()  # it stops between deliveries: none is cut off
            self.deliverer = None
            for intake_loop, thread in threads:
                intake_loop.stop()
                thread.join(timeout=10)
            self.close()

    def _deliver_loop(self) -> None:
        """Deliver whenever a decision left replies, and every ``poll_interval`` for retries."""
        while not self.stopping.is_set():
            try:
                self.deliver()
            except Exception:
                log.exception("delivery pass failed; retrying")
            self.due.wait(self.poll_interval)
            self.due.clear()

    def close(self) -> None:
        if self.decider is not None:
            self.decider.close()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        self.due.set()
