"""Chat under load, on PostgreSQL with 2 bot workers: Slack events POSTed to ``/slack/events``
(gunicorn, 2 workers) and Teams activities POSTed to ``/api/messages`` (the Teams aiohttp app),
replies delivered to a local Slack Web API and a local Bot Connector.

    .venv/bin/python bench/chat.py                       # 1,000 of each at 20/s
    .venv/bin/python bench/chat.py --events 300 --rate 40 --only slack

Figures per platform: the acknowledgement's latency as the platform sees it (Slack's limit is
3 s) and request → reply delivered, p50 and p99. Teams tokens are signed with a key the bench
makes and served to the SDK's validator through its key-source seam, so the Teams app runs in
this process (beside the load generator); the Entra ID token endpoint is a local one.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import String, cast, literal, select, update  # noqa: E402

from bot.channels.teams.app import teams_app  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.demo.generate import DemoSpec  # noqa: E402
from core.demo.load import load_demo  # noqa: E402
from core.models import Contact, InboundMessage, Invoice, OutboundMessage  # noqa: E402
from tests.bot.fake_slack import BOT_TOKEN, TEAM, FakeSlack  # noqa: E402
from tests.bot.fake_teams import FakeMicrosoft  # noqa: E402
from tests.bot.slack_support import SIGNING_SECRET, signed  # noqa: E402
from tests.bot.teams_support import (  # noqa: E402
    APP_ID,
    CUSTOMER_TENANT,
    TENANT,
    LoopbackApp,
    TokenKeys,
    activity,
)
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


def requests(db: Database, count: int) -> list[tuple[int, str]]:
    """(contact id, text) pairs; every AP contact has a Slack and a Teams identity on file."""
    rng = random.Random(7)
    with db.admin_session() as s:
        contacts = s.execute(
            select(Contact.id, Contact.account_id).where(Contact.role == "ap_contact")
        ).all()
        s.execute(
            update(Contact)
            .where(Contact.role == "ap_contact")
            .values(
                slack_team_id=TEAM,
                slack_user_id=literal("U") + cast(Contact.id, String),
                teams_tenant_id=CUSTOMER_TENANT,
                teams_user_id=literal("aad-") + cast(Contact.id, String),
            )
        )
        numbers: dict[int, list[str]] = {}
        for account_id, number in s.execute(select(Invoice.account_id, Invoice.number)):
            numbers.setdefault(account_id, []).append(number)
    out = []
    for _ in range(count):
        contact_id, account_id = rng.choice(contacts)
        out.append((contact_id, rng.choice(TEXTS).format(n=rng.choice(numbers[account_id]))))
    return out


def slack_event(i: int, contact_id: int, text: str) -> dict:
    return {
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def measure(
    label: str,
    keys: list[str],
    send: Callable[[int], None],
    replies: Callable[[], dict[str, float]],
    rate: float,
    warmup: int,
) -> None:
    """Send request i at its time, wait for the replies, print the figures past the warm-up."""
    sent_at: dict[str, float] = {}
    acks: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        at = time.time()
        send(i)
        with lock:
            sent_at[keys[i]] = at
            acks.append(time.time() - at)

    def run(indexes: range, pace: float) -> None:
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            for n, i in enumerate(indexes):
                delay = start + n / pace - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, i)
        deadline = time.monotonic() + 180
        while len(replies().keys() & {keys[i] for i in indexes}) < len(indexes):
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)

    # Warm-up, not measured: first requests set up each process, workers load the model.
    run(range(warmup), 5)
    acks.clear()
    measured = range(warmup, len(keys))
    load_before = os.getloadavg()[0]  # other work on the machine: the figures depend on it
    run(measured, rate)
    got = replies()
    latencies = [got[keys[i]] - sent_at[keys[i]] for i in measured if keys[i] in got]
    load = f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    print(f"{label}: {len(measured)} at {rate:g}/s; replies {len(latencies)}; {load}", flush=True)
    print(
        f"  ack            p50 {statistics.median(acks) * 1000:6.1f} ms  "
        f"p99 {percentile(acks, 0.99) * 1000:6.1f} ms  max {max(acks) * 1000:6.1f} ms"
    )
    print(
        f"  request→reply  p50 {statistics.median(latencies):6.2f} s   "
        f"p99 {percentile(latencies, 0.99):6.2f} s",
        flush=True,
    )


def breakdown(db: Database, channel: str, skip: int) -> None:
    """Where a request's time went, from the rows: stored → its turn in a worker (the wait for a
    worker to look, and for the requests claimed before it), → its reply delivered (deciding,
    the rest of the worker's batch, the outbox's claim and the platform call)."""
    query = (
        select(InboundMessage.received_at, InboundMessage.claimed_at, OutboundMessage.sent_at)
        .join(OutboundMessage, OutboundMessage.inbound_message_id == InboundMessage.id)
        .where(InboundMessage.channel == channel, OutboundMessage.channel == channel)
        .order_by(InboundMessage.id)
        .offset(skip)
    )
    with db.admin_session() as s:
        rows = [r for r in s.execute(query) if r.claimed_at and r.sent_at]
    if not rows:
        return
    waited = [(r.claimed_at - r.received_at).total_seconds() for r in rows]
    delivered = [(r.sent_at - r.claimed_at).total_seconds() for r in rows]
    for label, values in (("stored→turn", waited), ("turn→delivered", delivered)):
        print(
            f"  {label:<15}p50 {statistics.median(values):6.2f} s   "
            f"p99 {percentile(values, 0.99):6.2f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--only", choices=("slack", "teams"))
    args = parser.parse_args()
    total = args.warmup + args.events
    pg = PostgresServer(find_bindir())
    pg.start()
    pg.create_roles()
    url, portal = pg.create_database("bench")
    workdir = Path(tempfile.mkdtemp(prefix="ardesk-bench-chat-"))
    members: dict[str, set[str]] = {}
    with (
        FakeSlack(members=members) as slack,
        FakeMicrosoft(APP_ID, "bench-secret", workdir) as microsoft,
    ):
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
            "ARDESK_TEAMS_APP_ID": APP_ID,
            "ARDESK_TEAMS_APP_PASSWORD": "bench-secret",
            "ARDESK_TEAMS_TENANT_ID": TENANT,
            "ARDESK_TEAMS_AUTHORITY": microsoft.authority,
            "ARDESK_REPLIES_PER_SENDER_HOUR": "100000",
            "ARDESK_REPLIES_PER_ACCOUNT_HOUR": "100000",
            "ARDESK_TEAMS_SERVICE_HOSTS": "localhost",
            "REQUESTS_CA_BUNDLE": str(microsoft.cert),  # MSAL trusts the local token endpoint
            "SSL_CERT_FILE": str(microsoft.cert),  # and the connector client the local connector
        }
        os.environ["REQUESTS_CA_BUNDLE"] = env["REQUESTS_CA_BUNDLE"]  # the Teams app's MSAL too
        settings = load_settings({k: v for k, v in env.items() if k.startswith("ARDESK_")})
        db = Database.connect(settings)
        load_demo(db, DemoSpec(accounts=50, invoices_per_account=200, seed=11, as_of=date.today()))
        batch = requests(db, total)
        port = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"]
        gunicorn += ["--bind", f"127.0.0.1:{port}", "web:create_app()"]
        quiet = {
            "env": env,
            "cwd": ROOT,
            "stdout": subprocess.DEVNULL,
            "stderr": subprocess.DEVNULL,
        }
        worker = [sys.executable, "-m", "ardesk", "worker", "--no-intake"]
        procs = [
            subprocess.Popen(gunicorn, **quiet),
            *(subprocess.Popen(worker, **quiet) for _ in range(2)),
        ]
        keys = TokenKeys()
        http = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=16))
        time.sleep(2)  # gunicorn binds
        try:
            if args.only in (None, "slack"):
                events = [slack_event(i, c, t) for i, (c, t) in enumerate(batch)]
                for body in events:  # each user may post in their own DM
                    members[body["event"]["channel"]] = {body["event"]["user"]}

                def send_slack(i: int) -> None:
                    data = json.dumps(events[i]).encode()
                    headers = {**signed(data), "Content-Type": "application/json"}
                    response = http.post(
                        f"http://127.0.0.1:{port}/slack/events", content=data, headers=headers
                    )
                    response.raise_for_status()

                measure(
                    "slack",
                    [f"D{i:06d}" for i in range(total)],
                    send_slack,
                    lambda: {p.args["channel"]: p.at for p in list(slack.posts)},
                    args.rate,
                    args.warmup,
                )
                breakdown(db, "slack", args.warmup)
            if args.only in (None, "teams"):
                service = microsoft.service_url
                token = keys.token(service)
                bodies = []
                for i, (contact_id, text) in enumerate(batch):
                    body = activity(text, service_url=service, aad=f"aad-{contact_id}")
                    body["conversation"]["id"] = f"a:bench-{i:06d}"
                    microsoft.conversations.add(body["conversation"]["id"])
                    bodies.append(body)
                with LoopbackApp(teams_app(db, settings, key_source=keys)) as app:

                    def send_teams(i: int) -> None:
                        response = http.post(
                            f"{app.url}/api/messages",
                            json=bodies[i],
                            headers={"Authorization": f"Bearer {token}"},
                        )
                        response.raise_for_status()

                    measure(
                        "teams",
                        [f"a:bench-{i:06d}" for i in range(total)],
                        send_teams,
                        lambda: {s.conversation: s.at for s in list(microsoft.sent)},
                        args.rate,
                        args.warmup,
                    )
                breakdown(db, "teams", args.warmup)
        finally:
            http.close()
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)
            db.dispose()
            pg.stop()


if __name__ == "__main__":
    main()
