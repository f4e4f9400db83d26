"""The email bot under load: requests APPENDed to a real Dovecot, replies captured by a real SMTP
server on loopback, latency measured from APPEND to reply received.

    .venv/bin/python bench/email_pipeline.py            # PostgreSQL with 2 workers, SQLite with 1
    .venv/bin/python bench/email_pipeline.py --only sqlite --messages 300

Two phases per database: a burst (all messages at once: the throughput ceiling) and a paced run
at --rate messages/s (sustained throughput and the latency a customer sees).
"""

from __future__ import annotations

import argparse
import email
import email.utils
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.demo.generate import DemoSpec  # noqa: E402
from core.demo.load import load_demo  # noqa: E402
from tests.support.ap_requests import ap_requests  # noqa: E402
from tests.support.dovecot import PASSWORD, DovecotServer, find_dovecot  # noqa: E402
from tests.support.postgres import PostgresServer, find_bindir  # noqa: E402
from tests.support.smtp_server import SmtpTestServer  # noqa: E402


def requests(db: Database, count: int, seed: int = 3) -> list[tuple[str, bytes]]:
    return ap_requests(db, count, random.Random(seed), "bench")


def answered(message) -> str:
    """The request a captured message answers: a reply's In-Reply-To, or the Message-ID of the
    original attached to a hand-off (AR answers those)."""
    if message["In-Reply-To"]:
        return message["In-Reply-To"].strip()
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            original = email.message_from_bytes(part.get_payload(0).as_bytes())
            return (original["Message-ID"] or "").strip()
    return ""


def run(label: str, env: dict[str, str], db: Database, workers: int, count: int, rate: float,
        dovecot: DovecotServer, smtp: SmtpTestServer) -> None:
    procs = []
    for index in range(workers):
        args = [sys.executable, "-m", "ardesk", "worker"] + ([] if index == 0 else ["--no-intake"])
        procs.append(subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, cwd=ROOT))
    time.sleep(4)  # workers load the model and reach IDLE
    try:
        for phase, pace in (("burst", None), (f"paced {rate:g}/s", rate)):
            smtp.clear()
            batch = requests(db, count, seed=len(phase))
            appended: dict[str, float] = {}
            client = dovecot.client()
            start = time.monotonic()
            for i, (message_id, raw) in enumerate(batch):
                if pace:
                    delay = start + i / pace - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                appended[message_id] = time.time()
                client.append("INBOX", raw)
            client.logout()
            deadline = time.monotonic() + 120 + count / 10
            received: dict[str, float] = {}
            seen = 0
            while time.monotonic() < deadline and len(received.keys() & appended.keys()) < count:
                time.sleep(0.05)
                for captured in smtp.messages[seen:]:  # a shared address gets two replies
                    received.setdefault(answered(captured.message), captured.received_at)
                    seen += 1
            latencies = sorted(received[m] - t for m, t in appended.items() if m in received)
            span = max(received.values()) - min(appended.values()) if received else float("nan")
            print(f"{label:<28} {phase:<12} answered {len(latencies)}/{count}  "
                  f"throughput {len(latencies) / span:6.1f}/s  "
                  f"p50 {statistics.median(latencies):5.2f} s  "
                  f"p99 {latencies[int(len(latencies) * 0.99) - 1]:5.2f} s", flush=True)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def empty_inbox(dovecot: DovecotServer) -> None:
    client = dovecot.client()
    try:
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    finally:
        client.logout()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    dovecot = DovecotServer(find_dovecot())
    dovecot.start()
    with SmtpTestServer() as smtp:
        try:
            targets = [("postgresql", 2), ("sqlite", 1)]
            for dialect, workers in targets:
                if args.only and dialect != args.only:
                    continue
                empty_inbox(dovecot)  # a fresh database would read the last run's mail again
                workdir = Path(tempfile.mkdtemp(prefix=f"ardesk-bench-{dialect}-"))
                pg = None
                if dialect == "postgresql":
                    pg = PostgresServer(find_bindir())
                    pg.start()
                    pg.create_roles()
                    url, portal = pg.create_database("bench")
                else:
                    url = portal = f"sqlite:///{workdir}/bench.db"
                env = {**os.environ, "ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(workdir),
                       "ARDESK_SECRET_KEY": "b" * 48, "ARDESK_DATABASE_URL": url,
                       "ARDESK_PORTAL_DATABASE_URL": portal, "ARDESK_IMAP_URL": dovecot.url,
                       "ARDESK_IMAP_PASSWORD": PASSWORD, "ARDESK_SMTP_URL": smtp.url,
                       "ARDESK_FROM_ADDRESS": "ar@supplier.example",
                       "ARDESK_AR_ADDRESS": "ar-team@supplier.example",
                       "ARDESK_REPLIES_PER_SENDER_HOUR": "100000",
                       "ARDESK_REPLIES_PER_ACCOUNT_HOUR": "100000"}
                env.pop("ARDESK_FAILPOINT", None)
                db = Database.connect(load_settings({k: v for k, v in env.items()
                                                     if k.startswith("ARDESK_")}))
                load_demo(db, DemoSpec(accounts=50, invoices_per_account=200, seed=11,
                                       as_of=date.today()))
                try:
                    run(f"{dialect}, {workers} worker(s)", env, db, workers, args.messages,
                        args.rate, dovecot, smtp)
                finally:
                    db.dispose()
                    if pg:
                        pg.stop()
        finally:
            dovecot.stop()


if __name__ == "__main__":
    main()
