"""How fast the AR console serves at 1,000,000 inbound messages with decision records: the
request log's first page, a filtered page, a reference search, the hand-off queue and the
deflection dashboard for 90 days, beside a Flask hello-world measured the same way in the run.

    .venv/bin/python bench/console.py        # 1,000,000 messages, both databases
    .venv/bin/python bench/console.py --only sqlite --messages 100000 --requests 50

Messages are generated as the demo data is (``core.bulkload``, stored form): 180 days of email,
Slack and Teams requests from 2,000 contacts at 500 accounts, 70 % answered, 15 % handed off
(98 % of those resolved), 12 % ignored, 3 % failed or pending; each with its decision record,
its search terms and, for answers, a link issued and usually opened (audit events). The
deflection rollup is then filled and its refreshes timed (``core.deflection_rollup``). Requests are
made in-process through Flask's test client as a signed-in admin (session check, query, page,
audit event), one at a time; p50 and p99 are over ``--requests`` requests per URL after a
warm-up. PostgreSQL is a throwaway cluster from the Debian binaries, as the tests use.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import ar_users, deflection_rollup  # noqa: E402
from core.bulkload import BulkLoader  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import (  # noqa: E402
    Account,
    ARRole,
    AuditEvent,
    Contact,
    DeflectionState,
    Handoff,
    InboundMessage,
    RequestTerm,
)
from core.stored_form import stored_form_encoder  # noqa: E402

SECRET = "bench-secret-key-" + "x" * 40
PASSWORD = "bench password 0123"  # noqa: S105 (a throwaway database's user)
INTENTS = ("invoice_copy", "statement", "balance", "payment_status", "dispute")
CHANNELS = ("email", "email", "email", "email", "slack", "teams")
NOW = datetime.now(UTC).replace(microsecond=0)
BATCH = 20_000


def settings_for(var_dir: Path, url: str, portal_url: str = ""):
    environ = {
        "ARDESK_ENV": "test",
        "ARDESK_SECRET_KEY": SECRET,
        "ARDESK_VAR_DIR": str(var_dir),
        "ARDESK_DATABASE_URL": url,
        "ARDESK_FROM_ADDRESS": "ar@bench.example",
    }
    if portal_url:
        environ["ARDESK_PORTAL_DATABASE_URL"] = portal_url
    return load_settings(environ, read_dotenv=False)


@contextmanager
def postgres_settings(directory: Path) -> Iterator:
    """Settings for a database on a throwaway PostgreSQL cluster (the Debian binaries, as the
    tests use), stopped on leaving."""
    from tests.support.postgres import PORTAL, PRIVILEGED, PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        sys.exit("PostgreSQL binaries not found (apt-get install postgresql)")
    server = PostgresServer(bindir)
    server.start()
    try:
        server.create_roles()
        server.sql("CREATE DATABASE ardesk_bench OWNER ardesk")
        yield settings_for(
            directory,
            server.url(*PRIVILEGED, database="ardesk_bench"),
            server.url(*PORTAL, database="ardesk_bench"),
        )
    finally:
        server.stop()


def _people(db: Database, accounts: int, contacts: int) -> list[tuple[int, int, str]]:
    with db.admin_session() as s:
        made = [Account(erp_id=f"C{n:05d}", name=f"Customer {n}", currency="EUR")
                for n in range(accounts)]  # fmt: skip
        s.add_all(made)
        s.flush()
        people = [
            Contact(account_id=made[n % accounts].id, name=f"AP {n}",
                    email=f"ap{n}@customer{n % accounts}.example", role="ap_contact")
            for n in range(contacts)
        ]  # fmt: skip
        s.add_all(people)
        s.flush()
        ar_users.add(s, "admin@bench.example", "Bench Admin", ARRole.admin, PASSWORD)
        return [(p.id, p.account_id, p.email) for p in people]


def generate(db: Database, messages: int, accounts: int = 500, contacts: int = 2000) -> float:
    """Load ``messages`` requests with their terms, hand-offs and link events; returns seconds."""
    started = time.perf_counter()
    people = _people(db, accounts, contacts)
    rng = random.Random(11)
    dialect = db.dialect
    tables = {m.__tablename__: m.__table__ for m in (InboundMessage, RequestTerm, Handoff,
                                                      AuditEvent)}  # fmt: skip
    message_cols = ("id", "channel", "dedupe_key", "received_at", "sender", "subject", "raw",
                    "status", "attempts", "contact_id", "account_id", "decision")  # fmt: skip
    term_cols = ("inbound_message_id", "kind", "value")
    handoff_cols = ("inbound_message_id", "resolution", "resolved_at")
    audit_cols = ("at", "action", "actor", "account_id", "contact_id", "link_id", "target",
                  "detail")  # fmt: skip
    encode = {
        "inbound_messages": stored_form_encoder(tables["inbound_messages"], message_cols, dialect),
        "request_terms": stored_form_encoder(tables["request_terms"], term_cols, dialect),
        "handoffs": stored_form_encoder(tables["handoffs"], handoff_cols, dialect),
        "audit_events": stored_form_encoder(tables["audit_events"], audit_cols, dialect),
    }
    span = timedelta(days=180).total_seconds()
    with BulkLoader(db) as loader:
        for first in range(1, messages + 1, BATCH):
            rows: dict[str, list[tuple]] = {name: [] for name in encode}
            for ident in range(first, min(first + BATCH, messages + 1)):
                contact, account, address = people[rng.randrange(len(people))]
                received = NOW - timedelta(seconds=span * (1 - ident / messages))
                intent = rng.choice(INTENTS)
                number = f"INV-{rng.randrange(1, 400_000):06d}"
                roll = rng.random()
                status = ("answered" if roll < 0.70 else "handed_off" if roll < 0.85
                          else "ignored" if roll < 0.97 else "received")  # fmt: skip
                handoff = status == "handed_off" or intent == "dispute"
                decision = {
                    "action": "reply" if status == "answered" else "handoff",
                    "handoff": handoff,
                    "sender": {"email": address, "status": "verified",
                               "verification": "address on file"},
                    "understanding": {"language": "en", "intents": [intent],
                                      "invoice_numbers": [number], "po_numbers": [],
                                      "period": None, "needs_human": handoff},
                }  # fmt: skip
                rows["inbound_messages"].append(
                    (ident, rng.choice(CHANNELS), f"<m{ident}@bench>", received, address,
                     f"Re: {intent.replace('_', ' ')} {number}", b"Subject: x\r\n\r\nbody",
                     status, 1, contact, account, decision)
                )  # fmt: skip
                rows["request_terms"] += [(ident, "intent", intent.upper()),
                                          (ident, "invoice", number)]  # fmt: skip
                if handoff:
                    done = rng.random() < 0.98
                    resolved = received + timedelta(hours=3) if done else None
                    rows["handoffs"].append((ident, "answered" if done else None, resolved))
                if status == "answered":
                    link = f"l{ident}"
                    rows["audit_events"].append(
                        (received, "link.issue", "bot", account, contact, link, "invoice",
                         {"inbound_message_id": ident})
                    )  # fmt: skip
                    if rng.random() < 0.8:
                        rows["audit_events"].append(
                            (received + timedelta(minutes=20), "link.open", f"contact:{contact}",
                             account, contact, link, "invoice", {})
                        )  # fmt: skip
            for name, batch in rows.items():
                columns = {"inbound_messages": message_cols, "request_terms": term_cols,
                           "handoffs": handoff_cols, "audit_events": audit_cols}[name]  # fmt: skip
                loader.load(name, columns, [encode[name](row) for row in batch])
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def hello_client():
    from flask import Flask

    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "Hello, world!")
    return app.test_client()


def console_client(settings):
    from web import create_app

    app = create_app(settings)
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    page = client.get("/ar/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/ar/sign-in", data={"csrf_token": token, "email":
                           "admin@bench.example", "password": PASSWORD, "code": ""})  # fmt: skip
    assert response.status_code == 303, response.status_code
    return app, client


def measure(client, path: str, count: int) -> dict[str, float]:
    for _ in range(min(3, count)):
        assert client.get(path).status_code == 200, path
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200, path
    latencies.sort()
    n = len(latencies)
    return {"requests": n, "p50": latencies[n // 2] * 1000,
            "p99": latencies[min(n - 1, int(n * 0.99))] * 1000}  # fmt: skip


def rollup(db: Database, settings) -> None:
    """Fill the deflection rollup for every day (as ``ardesk clock`` would over its first runs),
    then time the two kinds of refresh the clock repeats: nothing new, and the recent days
    (the repeat window) computed again because requests arrived."""
    days = [(NOW - timedelta(days=n)).date() for n in range(181)]
    timed = []
    for label, forget in (("backfill, 181 days", False), ("refresh, nothing new", False),
                          ("refresh, recent days changed", True)):  # fmt: skip
        started = time.perf_counter()
        with db.admin_session() as session:
            if forget:
                session.get(DeflectionState, 1).recent = ""
            done = deflection_rollup.refresh(session, settings, days=days)
        timed.append(f"{label}: {time.perf_counter() - started:.1f} s ({len(done.days)} days)")
    print("rollup: " + "; ".join(timed), flush=True)


def run(name: str, settings, messages: int, count: int, dashboard_count: int) -> list[str]:
    db = Database.connect(settings)
    upgrade(db.engine)
    seconds = generate(db, messages)
    print(f"{name}: {messages:,} messages generated in {seconds:.1f} s", flush=True)
    if dashboard_count:
        rollup(db, settings)
    db.dispose()
    app, client = console_client(settings)
    since = (NOW - timedelta(days=89)).date().isoformat()
    urls = [
        ("Flask hello-world", hello_client(), "/", count),
        ("request log, first page", client, "/ar/requests", count),
        ("request log, handed off by email", client, "/ar/requests?status=handed_off&channel=email",
         count),
        ("request log, reference prefix", client, "/ar/requests?q=INV-00012", count),
        ("hand-off queue", client, "/ar/queue", count),
        ("dashboard, 90 days", client, f"/ar/dashboard?since={since}", dashboard_count),
    ]  # fmt: skip
    lines = []
    for label, target, path, n in urls:
        if not n:  # --dashboard-requests 0: the other URLs only
            continue
        figures = measure(target, path, n)
        line = (f"| {name} | {label} | {figures['requests']} | {figures['p50']:.1f} | "
                f"{figures['p99']:.1f} |")  # fmt: skip
        print(line, flush=True)
        lines.append(line)
    app.extensions["ardesk.db"].dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--dashboard-requests", type=int, default=50)
    args = parser.parse_args()
    print(f"{platform.node()}: Python {platform.python_version()}, {args.messages:,} messages")
    print("| database | URL | requests | p50 ms | p99 ms |\n| --- | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        if args.only in (None, "sqlite"):
            url = f"sqlite:///{directory / 'bench.db'}"
            run("SQLite", settings_for(directory, url), args.messages, args.requests,
                args.dashboard_requests)  # fmt: skip
        if args.only in (None, "postgresql"):
            with postgres_settings(directory) as settings:
                run("PostgreSQL", settings, args.messages, args.requests,
                    args.dashboard_requests)  # fmt: skip
    print(json.dumps({"finished": datetime.now(UTC).isoformat()}))


if __name__ == "__main__":
    main()
