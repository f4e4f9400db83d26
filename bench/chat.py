"""Slack under load: signed events POSTed to ``/slack/events`` (gunicorn, 2 workers) at a steady
rate, the replies posted to a local Slack Web API, on PostgreSQL with 2 bot workers.

    .venv/bin/python bench/chat.py                    # 1,000 events at 20/s
    .venv/bin/python bench/chat.py --events 300 --rate 40

Figures: the acknowledgement's latency as Slack sees it (its limit is 3 s) and event → reply
posted, p50 and p99.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import String, cast, literal, select, update  # noqa: E402

from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.demo.generate import DemoSpec  # noqa: E402
from core.demo.load import load_demo  # noqa: E402
from core.models import Contact, Invoice  # noqa: E402
from tests.bot.fake_slack import BOT_TOKEN, TEAM, FakeSlack  # noqa: E402
from tests.bot.slack_support import SIGNING_SECRET, signed  # noqa: E402
from tests.support.postgres import PostgresServer, find_bindir  # noqa: E402

TEXTS = (
    "could you send me a copy of invoice {n}?",
    "what is our balance?",
    "please send our statement for last quarter",
    "have you received our payment for invoice {n}?",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def events(db: Database, count: int) -> list[dict]:
    rng = random.Random(7)
    with db.admin_session() as s:
        contacts = s.execute(
            select(Contact.id, Contact.account_id).where(Contact.role == "ap_contact")
        ).all()
        s.execute(  # every AP contact has spoken to the bot before: identity on file
            update(Contact)
            .where(Contact.role == "ap_contact")
            .values(slack_team_id=TEAM, slack_user_id=literal("U") + cast(Contact.id, String))
        )
        numbers: dict[int, list[str]] = {}
        for account_id, number in s.execute(select(Invoice.account_id, Invoice.number)):
            numbers.setdefault(account_id, []).append(number)
    out = []
    for i in range(count):
        contact_id, account_id = rng.choice(contacts)
        text = rng.choice(TEXTS).format(n=rng.choice(numbers[account_id]))
        out.append(
            {
                "token": "unused",
                "team_id": TEAM,
                "api_app_id": "AARDESK",
                "type": "event_callback",
                "event_id": f"EvBench{i:06d}",
                "event_time": int(time.time()),
                "event": {
                    "type": "message",
                    "channel_type": "im",
                    "channel": f"D{i:06d}",  # one DM per event: its reply is known by channel
                    "user": f"U{contact_id}",
                    "text": text,
                    "ts": f"{1_764_000_000 + i}.000100",
                },
            }
        )
    return out


def post(port: int, body: dict) -> float:
    data = json.dumps(body).encode()
    headers = {**signed(data), "Content-Type": "application/json"}
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/slack/events", body=data, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"/slack/events answered {response.status}")
    return time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=40)
    args = parser.parse_args()
    pg = PostgresServer(find_bindir())
    pg.start()
    pg.create_roles()
    url, portal = pg.create_database("bench")
    workdir = Path(tempfile.mkdtemp(prefix="ardesk-bench-chat-"))
    members = {f"D{i:06d}": set() for i in range(args.warmup + args.events)}
    with FakeSlack(members=members) as slack:
        env = {
            **os.environ,
            "ARDESK_ENV": "test",
            "ARDESK_VAR_DIR": str(workdir),
            "ARDESK_SECRET_KEY": "b" * 48,
            "ARDESK_DATABASE_URL": url,
            "ARDESK_PORTAL_DATABASE_URL": portal,
            "ARDESK_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "ARDESK_SLACK_BOT_TOKEN": BOT_TOKEN,
            "ARDESK_SLACK_API_URL": slack.url,
            "ARDESK_REPLIES_PER_SENDER_HOUR": "100000",
            "ARDESK_REPLIES_PER_ACCOUNT_HOUR": "100000",
        }
        db = Database.connect(
            load_settings({k: v for k, v in env.items() if k.startswith("ARDESK_")})
        )
        load_demo(db, DemoSpec(accounts=50, invoices_per_account=200, seed=11, as_of=date.today()))
        batch = events(db, args.warmup + args.events)
        for body in batch:  # each user may post in their own DM
            members[body["event"]["channel"]].add(body["event"]["user"])
        port = free_port()
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "web:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "ardesk", "worker", "--no-intake"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        try:
            sent_at: dict[str, float] = {}
            acks: list[float] = []
            lock = threading.Lock()

            def send(body: dict) -> None:
                at = time.time()
                took = post(port, body)
                with lock:
                    sent_at[body["event"]["channel"]] = at
                    acks.append(took)

            def run(events: list[dict], rate: float) -> None:
                slack.posts.clear()
                sent_at.clear()
                acks.clear()
                start = time.monotonic()
                with ThreadPoolExecutor(max_workers=16) as pool:
                    for i, body in enumerate(events):
                        delay = start + i / rate - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
                        pool.submit(send, body)
                deadline = time.monotonic() + 120
                while len(slack.posts) < len(events) and time.monotonic() < deadline:
                    time.sleep(0.1)

            time.sleep(2)  # gunicorn binds
            # Warm-up, not measured: each process's first request sets up bolt, each worker
            # loads the language model.
            run(batch[: args.warmup], 5)
            measured = batch[args.warmup :]
            run(measured, args.rate)
            latencies = [p.at - sent_at[p.args["channel"]] for p in slack.posts]
            print(f"events {len(measured)} at {args.rate:g}/s; replies posted {len(latencies)}")
            print(
                f"ack          p50 {statistics.median(acks) * 1000:6.1f} ms  "
                f"p99 {percentile(acks, 0.99) * 1000:6.1f} ms  max {max(acks) * 1000:6.1f} ms"
            )
            print(
                f"event→reply  p50 {statistics.median(latencies):6.2f} s   "
                f"p99 {percentile(latencies, 0.99):6.2f} s"
            )
        finally:
            for proc in (web, *workers):
                proc.terminate()
            for proc in (web, *workers):
                proc.wait(timeout=30)
            db.dispose()
            pg.stop()


if __name__ == "__main__":
    main()
