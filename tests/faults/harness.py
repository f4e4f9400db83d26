"""The fault harness: requests through IMAP and SMTP intake while things break, then a count.

Real PostgreSQL, Dovecot and a loopback SMTP server; three `ardesk worker`s (two reading IMAP),
two `ardesk clock`s and `ardesk smtpd` as subprocesses. While requests are fed, a worker is
SIGKILLed every few seconds wherever it is and restarted, and once each: SMTP answers 451 for a
while, IMAP sessions are dropped, the leading clock is killed, PostgreSQL restarts. Then every
request must be answered or handed to AR, no reply may arrive twice, and every clock tick must
have run once.

    .venv/bin/python -m tests.faults.harness --requests 5000
"""

from __future__ import annotations

import argparse
import contextlib
import random
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from core.db import Database
from core.demo.generate import DemoSpec
from core.demo.load import load_demo
from core.migrate import upgrade
from core.models import InboundMessage, JobRun, OutboundMessage
from tests.faults.account import Tally, tally
from tests.faults.feed import Feeder
from tests.faults.fleet import Fault, Fleet, drop_imap_sessions, kill_workers_at_random
from tests.support.ap_requests import ap_requests
from tests.support.deployment import AR, deployment, settled, stored_messages, unfinished
from tests.support.smtp_server import SmtpTestServer

JOB_INTERVAL = 5  # seconds: the clocks' link clean-up runs every tick of this length
# Recovery sized to the run: a dead worker's claims return after 20 s, a reply left "sending" by
# one is declared in doubt after 40 s, refused deliveries retry from 1 s.
SETTINGS = {
    "ARDESK_WORKER_LEASE": "20s",
    "ARDESK_MESSAGE_DEADLINE": "10s",
    "ARDESK_SENDING_LEASE": "40s",
    "ARDESK_SMTP_TIMEOUT": "10",
    "ARDESK_DELIVERY_RETRY_BASE": "1s",
    "ARDESK_LINK_CLEANUP_INTERVAL": f"{JOB_INTERVAL}s",
}


@dataclass
class Report:
    tally: Tally
    faults: list[Fault]
    recovery: dict[str, float]  # per system-wide fault: lifted → the next reply delivered
    drain: float  # last request fed → everything settled
    elapsed: float
    job_ticks: int
    job_ticks_missed: int
    job_ticks_twice: int
    stop_seconds: float  # SIGTERM → the slowest process gone
    unfinished: int  # inbound still received/processing at the end

    def lines(self) -> list[str]:
        t = self.tally
        kinds: dict[str, int] = {}
        for fault in self.faults:
            kinds[fault.kind] = kinds.get(fault.kind, 0) + 1
        return [
            f"fed {t.fed}  answered {t.answered}  handed off {t.handed_off}  "
            f"duplicates {t.duplicates}  in doubt {t.in_doubt} (of which delivered "
            f"{t.in_doubt_delivered})  lost {t.lost}  unfinished {self.unfinished}",
            "faults: " + ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())),
            "recovery (fault lifted → next reply): "
            + ", ".join(f"{k} {v:.1f} s" for k, v in self.recovery.items()),
            f"latency fed → answer: p50 {t.p50:.1f} s, p99 {t.p99:.1f} s, max {t.max:.1f} s",
            f"clock: {self.job_ticks} ticks, {self.job_ticks_missed} missed, "
            f"{self.job_ticks_twice} run twice",
            f"drain {self.drain:.1f} s, whole run {self.elapsed:.1f} s, "
            f"SIGTERM stop of every process {self.stop_seconds:.1f} s",
        ]

    @property
    def ok(self) -> bool:
        t = self.tally
        return (
            t.lost == 0
            and t.duplicates == 0
            and self.unfinished == 0
            and self.job_ticks_missed == 0
            and self.job_ticks_twice == 0
        )


def _job_ticks(db: Database, since: float, until: float) -> tuple[int, int, int]:
    with db.admin_session() as s:
        rows = s.execute(select(JobRun.tick, func.count()).group_by(JobRun.tick)).all()
    ran = dict(rows)
    first, last = int(since // JOB_INTERVAL) + 1, int(until // JOB_INTERVAL) - 1
    expected = range(first, last + 1)
    missed = sum(1 for tick in expected if tick not in ran)
    twice = sum(1 for count in ran.values() if count > 1)
    return len(expected), missed, twice


def run(
    count: int,
    rate: float,
    seed: int,
    workdir: Path,
    timeline: bool = False,
    drain_rate: float = 10.0,
) -> Report:
    rng = random.Random(seed)
    with deployment(workdir, **SETTINGS) as stack:
        db = stack.db
        fleet: Fleet | None = None
        try:
            upgrade(db.engine)
            spec = DemoSpec(accounts=20, invoices_per_account=30, seed=11, as_of=date.today())
            load_demo(db, spec)
            batch = ap_requests(db, count, rng, "fault")
            fleet = Fleet(stack.environ(), workdir)
            fleet.add("smtpd", "smtpd")
            for index in range(3):
                fleet.add(f"worker-{index + 1}", "worker", *(["--no-intake"] if index == 2 else []))
            fleet.add("clock-1", "clock")
            time.sleep(1)
            fleet.add("clock-2", "clock")
            for name in fleet.names("worker"):
                fleet.wait_ready(name, "decision process ready")
            fleet.wait_ready("smtpd", "listening")
            started = time.time()
            feeder = Feeder(stack.dovecot, stack.intake_port, batch, rate)
            feeding = threading.Thread(target=feeder.run, name="feed")
            feeding.start()
            window = count / rate
            faults: list[Fault] = []
            stop = threading.Event()
            killer = threading.Thread(
                target=kill_workers_at_random,
                args=(fleet, rng, started + window, faults, stop),
                name="kill",
            )
            killer.start()
            supervising = threading.Event()
            supervisor = threading.Thread(target=fleet.supervise, args=(supervising,), name="super")
            supervisor.start()
            _system_faults(fleet, stack.dovecot, stack.smtp, stack.pg, db, started, window, faults)
            feeding.join()
            stop.set()
            killer.join()
            fed_until = time.time()
            deadline = fed_until + 180 + count / drain_rate
            # Settled, and every request fed taken in (the last mails may wait for a look at the
            # mailbox after the workers are done with the rest).
            while time.time() < deadline and not (
                stored_messages(db) >= len(feeder.fed) and settled(db)
            ):
                time.sleep(1)
            time.sleep(2)  # the last replies leave the SMTP server's queue
            drained = time.time() - fed_until
            supervising.set()
            supervisor.join()
            stop_times = fleet.stop_all()
            ended = time.time()
            result = tally(db, feeder.fed, stack.smtp.messages, AR)
            ticks, missed, twice = _job_ticks(db, started, ended - 2 * JOB_INTERVAL)
            recovery = {
                fault.kind: _next_reply_after(stack.smtp, fault.lifted)
                for fault in faults
                if fault.kind != "worker killed"
            }
            if timeline:
                _print_timeline(db, feeder.fed, stack.smtp, started)
            return Report(
                tally=result,
                faults=faults,
                recovery=recovery,
                drain=drained,
                elapsed=ended - started,
                job_ticks=ticks,
                job_ticks_missed=missed,
                job_ticks_twice=twice,
                stop_seconds=max(stop_times.values()),
                unfinished=unfinished(db),
            )
        finally:
            if fleet is not None:
                fleet.stop_all(timeout=10)


def _print_timeline(db: Database, fed: dict[str, float], smtp: SmtpTestServer, start: float):
    """Per 5 s: requests fed, stored, decided (first outbox row) and replies received."""
    with db.admin_session() as s:
        stored = [t.timestamp() for t in s.scalars(select(InboundMessage.received_at))]
        decided = [t.timestamp() for t in s.scalars(select(OutboundMessage.created_at))]
    columns = {
        "fed": list(fed.values()),
        "stored": stored,
        "decided": decided,
        "received": [m.received_at for m in smtp.messages],
    }
    end = max(max(v) for v in columns.values() if v)
    print("   t  " + "".join(f"{name:>10}" for name in columns))
    for bucket in range(0, int(end - start) + 5, 5):
        counts = [
            sum(1 for t in v if start + bucket <= t < start + bucket + 5) for v in columns.values()
        ]
        print(f"{bucket:4d} s" + "".join(f"{c:>10}" for c in counts))


def _next_reply_after(smtp: SmtpTestServer, moment: float) -> float:
    later = [m.received_at for m in smtp.messages if m.received_at >= moment]
    return (min(later) - moment) if later else float("inf")


def _system_faults(fleet, dovecot, smtp, pg, db, started, window, faults) -> None:
    """One of each system-wide fault, spread over the feeding window."""

    @contextlib.contextmanager
    def fault(kind: str, fraction: float):
        delay = started + window * fraction - time.time()
        if delay > 0:
            time.sleep(delay)
        began = time.time()
        yield
        faults.append(Fault(kind, began, time.time()))

    with fault("SMTP 451", 0.2):
        smtp.fail_next(451, times=10**6)  # every delivery refused until told otherwise
        time.sleep(5)
        smtp.stop_failing()
    with fault("IMAP sessions dropped", 0.35):
        drop_imap_sessions(dovecot)
    with db.admin_session() as s:
        leader = s.scalar(select(JobRun.leader).order_by(JobRun.id.desc()).limit(1))
    pid = int(leader.rsplit(":", 1)[1]) if leader else None
    [name] = [n for n in fleet.names("clock") if fleet.pid(n) == pid] or [fleet.names("clock")[0]]
    with fault("leading clock killed", 0.5), fleet.lock:
        fleet.kill(name)
        time.sleep(3)
        fleet.start(name)
    with fault("PostgreSQL restarted", 0.65):
        pg.restart()
    with fault("IMAP sessions dropped again", 0.8):
        drop_imap_sessions(dovecot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=30.0, help="requests fed per second")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeline", action="store_true", help="print counts per 5 s")
    parser.add_argument(
        "--drain-rate",
        type=float,
        default=10.0,
        help="after feeding, wait up to 180 s + requests / this for everything to settle",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ardesk-faults-"))
    report = run(args.requests, args.rate, args.seed, workdir, args.timeline, args.drain_rate)
    for line in report.lines():
        print(line)
    print(f"logs in {workdir}")
    raise SystemExit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
