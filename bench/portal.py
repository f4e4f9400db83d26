"""How fast the portal serves: the invoice list at 100,000 invoices on one account, an invoice
page and a cached PDF, beside a Flask hello-world served the same way in the same run.

    .venv/bin/python bench/portal.py                          # 1,000,000 invoices, both databases
    .venv/bin/python bench/portal.py --only sqlite --seconds 10 --invoices 100000
    .venv/bin/python bench/portal.py --rendering                # each document format, uncached

Each database gets ``ardesk demo-data`` (the first account holds ``--largest`` invoices, the rest
share the remainder), then gunicorn with 2 sync workers serves ``web:create_app()`` on loopback and
a second process (``--clients`` processes, each one request at a time) drives one URL at a time
for ``--seconds`` in all. A hello-world server runs beside it, and every URL, hello-world's
included, takes its turn ``--rounds`` times: each page's share of hello-world's rate is the
median of its rounds' shares, each measured within seconds of its baseline. Every portal
request runs as it does in production: session check in the account scope, the query, the
page, and its audit event written. PostgreSQL is a throwaway cluster started
from the Debian binaries (as the tests do), the portal connecting as the row-level-security role;
its processes' CPU per request is printed beside the workers', as both share the machine's cores.

``--rendering`` times instead what a first download costs in each format
(``bench/portal_rendering.py``).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a script that chose another checkout (portal_cpu --tree) keeps it
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from core import links  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.models import Account, Contact, Invoice, LinkScope  # noqa: E402

SECRET = "bench-secret-key-" + "x" * 40
HELLO = "Flask hello-world"
BIN = Path(sys.executable).parent


def hello_app():
    """The framework's limit: the smallest Flask app, served by the same gunicorn."""
    from flask import Flask

    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "Hello, world!")
    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(var_dir: Path, url: str, portal_url: str, base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ARDESK_ENV": "development",
        "ARDESK_SECRET_KEY": SECRET,
        "ARDESK_VAR_DIR": str(var_dir),
        "ARDESK_DATABASE_URL": url,
        "ARDESK_PORTAL_DATABASE_URL": portal_url,
        "ARDESK_BASE_URL": base_url,
        "ARDESK_FROM_ADDRESS": "ar@bench.example",
    }


def load(env: dict[str, str], invoices: int, largest: int, accounts: int) -> float:
    per_account = max(0, (invoices - largest) // max(1, accounts - 1))
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "ardesk"), "demo-data", "--accounts", str(accounts),
         "--invoices-per-account", str(per_account), "--largest-account", str(largest)],
        env=env, check=True, cwd=ROOT,
    )  # fmt: skip
    return time.perf_counter() - started


def analyze(env: dict[str, str]) -> None:
    """Planner statistics, as a maintained database has them (PostgreSQL's autovacuum gathers
    them on its own schedule; SQLite only when asked). Without them SQLite may read a child table
    through its account index — every line of 100,000 invoices — instead of the invoice's.
    PostgreSQL also gets its visibility map (VACUUM), as autovacuum would leave it after a bulk
    load, so counts and keyset pages can be read from the index alone."""
    db = Database.connect(load_settings(env, read_dotenv=False))
    statement = "VACUUM ANALYZE" if db.dialect == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for _ in range(30):
            conn.exec_driver_sql(statement)
            if db.dialect != "postgresql" or _all_visible(conn):
                break
            # Autovacuum's own ANALYZE of the fresh tables holds a snapshot that keeps VACUUM
            # from marking their pages all-visible; it finishes within seconds.
            time.sleep(1)
        else:
            print("  warning: the invoices' visibility map is incomplete", file=sys.stderr)
    db.dispose()


def _all_visible(conn) -> bool:
    """Whether every page of the tables the portal reads is marked all-visible."""
    return conn.exec_driver_sql(
        "SELECT bool_and(relallvisible >= relpages) FROM pg_class WHERE relname IN "
        "('invoices', 'invoice_lines', 'payments', 'payment_allocations', 'accounts', 'contacts')"
    ).scalar()


def portal_targets(env: dict[str, str]) -> dict[str, str]:
    """A portal link for the largest account's AP contact, and one of its invoices."""
    settings = load_settings(env, read_dotenv=False)
    db = Database.connect(settings)
    with db.admin_session() as s:
        largest = s.execute(
            select(Invoice.account_id, func.count())
            .group_by(Invoice.account_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        account = s.get(Account, largest[0])
        contact = s.scalars(
            select(Contact).where(Contact.account_id == account.id, Contact.role == "ap_contact")
        ).first()
        invoice_id = s.scalar(
            select(Invoice.id)
            .where(Invoice.account_id == account.id)
            .order_by(Invoice.issue_date.desc())
            .limit(1)
        )
        link = links.issue(
            s, links.LinkSigner(SECRET), settings.base_url, contact, LinkScope.portal,
            ttl=timedelta(hours=2),
        )  # fmt: skip
    db.dispose()
    return {"link": link.url, "invoice": str(invoice_id), "count": str(largest[1])}


def serve(app: str, port: int, env: dict[str, str], root: Path = ROOT) -> subprocess.Popen:
    """gunicorn serving ``app`` from the checkout ``root`` (this one unless said)."""
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--pythonpath", f"{root},{root / 'bench'}", "--log-level", "warning", app],
        env=env, cwd=root,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def request(
    port: int, path: str, cookie: str = "", method: str = "GET", body: str = "", timeout=10.0
):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def open_session(port: int, link: str) -> str:
    """Follow the link as a person does: the interstitial, then its button."""
    path = urlsplit(link).path
    # A fresh worker's first request imports and compiles what it serves: on a busy machine
    # that takes more than the 10 s the measured requests are allowed.
    response, page = request(port, path, timeout=120)
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    response, _ = request(port, path, cookie, "POST", f"csrf_token={token}")
    assert response.status == 303, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def ready_session(port: int, link: str, invoice: str) -> str:
    """``open_session``, then what the measured requests should not pay for: the invoice's copy
    rendered once (later downloads are cached) and the session's CSRF secret written by its
    first page. The cookie as the server last sent it."""
    cookie = open_session(port, link)
    for path in (f"/invoices/{invoice}/pdf", "/invoices"):
        response, _ = request(port, path, cookie, timeout=120)
        cookie = updated_cookie(response, cookie)
    return cookie


def _drive(args: tuple[int, str, str, float]) -> tuple[list[float], int]:
    port, path, cookie, until = args
    latencies, errors = [], 0
    while time.time() < until:
        started = time.perf_counter()
        response, _ = request(port, path, cookie)
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
        cookie = updated_cookie(response, cookie)
    return latencies, errors


def signed_in_client(app, token: str):
    """Flask's test client for ``app``, over https, with a portal session opened from the link
    ``token`` as a person opens one (the link's page, then Continue): for in-process benches."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    page = client.get(f"/l/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if csrf is None:
        sys.exit(f"the link did not open a page with a form: HTTP {page.status_code}")
    client.post(f"/l/{token}", data={"csrf_token": csrf.group(1)})
    return client


def updated_cookie(response: http.client.HTTPResponse, cookie: str) -> str:
    """Keep the session cookie the server sends, as a browser does (the server writes it only
    when the session changed: the CSRF secret on a session's first page, the last-request time
    once a minute); a client that kept its first cookie would be sent a new one every time."""
    sent = response.getheader("Set-Cookie")
    return sent.split(";")[0] if sent and sent.startswith("ardesk_session=") else cookie


def drive(port: int, path: str, cookie: str, seconds: float, clients: int) -> dict[str, Any]:
    with multiprocessing.Pool(clients) as pool:
        pool.map(abs, range(clients))  # the clients are up before the clock starts
        until = time.time() + seconds
        results = pool.map(_drive, [(port, path, cookie, until)] * clients)
    latencies = sorted(x for lat, _ in results for x in lat)
    return summary(latencies, sum(e for _, e in results), seconds)


def summary(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    """The figures of requests that took ``latencies`` (sorted) in ``seconds``."""
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50": latencies[n // 2] * 1000,
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000,
        "errors": errors,
        "latencies": latencies,
        "seconds": seconds,
    }


def processes_cpu(pids: Iterable[int | str]) -> float:
    """CPU seconds (user and system) the processes ``pids`` have used so far; one that has
    ended meanwhile counts nothing."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_cpu(server: subprocess.Popen) -> float:
    """CPU seconds the gunicorn workers (the master's children) have used so far.

    Per request, this is what the app costs whatever else shares the machine: the request rate
    falls when another process takes the cores, the CPU a request needs hardly moves.
    """
    return processes_cpu(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split())


def database_cpu(url: str) -> Callable[[], float]:
    """A function giving the CPU seconds PostgreSQL's processes (backends, WAL writer and the
    rest) have used so far: on one machine they come out of the same cores as the workers'."""
    import psycopg

    raw = url.replace("postgresql+psycopg://", "postgresql://")

    def used() -> float:
        with psycopg.connect(raw, autocommit=True) as connection:
            pids = [row[0] for row in connection.execute("SELECT pid FROM pg_stat_activity")]
        return processes_cpu(pids)

    return used


def loaded(url: str, portal_url: str, args: argparse.Namespace) -> dict[str, str]:
    """The environment of a fresh database holding ``args.invoices`` demo invoices
    (``args.largest`` on one account, ``args.accounts`` in all), with planner statistics."""
    env = environment(Path(tempfile.mkdtemp()), url, portal_url, "http://127.0.0.1:1")
    load(env, args.invoices, args.largest, args.accounts)
    analyze(env)
    return env


def measure(
    server: subprocess.Popen, port: int, path: str, cookie: str, args, database=None, seconds=None
) -> dict:
    before, database_before = worker_cpu(server), database() if database else 0.0
    figures = drive(port, path, cookie, seconds or args.seconds, args.clients)
    requests = max(1, figures["requests"])
    figures["cpu_ms"] = (worker_cpu(server) - before) * 1000 / requests
    if database:
        figures["database_ms"] = (database() - database_before) * 1000 / requests
    return figures


def report(name: str, figures: dict[str, Any], share: str = "") -> None:
    print(
        f"  {name:<28} {figures['rps']:8.0f} req/s   p50 {figures['p50']:6.1f} ms   "
        f"p99 {figures['p99']:6.1f} ms   worker CPU {figures['cpu_ms']:5.2f} ms/request   "
        + (f"database CPU {figures['database_ms']:4.2f} ms   " if "database_ms" in figures else "")
        + f"({figures['requests']} requests, {figures['errors']} errors){share}",
        flush=True,
    )


def combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One URL's figures over all its rounds: rates over the total time, latencies pooled, CPU
    per request over all requests."""
    figures = summary(
        sorted(x for f in rounds for x in f["latencies"]),
        sum(f["errors"] for f in rounds),
        sum(f["seconds"] for f in rounds),
    )
    requests = max(1, figures["requests"])
    for key in ("cpu_ms", "database_ms"):
        if key in rounds[0]:
            figures[key] = sum(f[key] * f["requests"] for f in rounds) / requests
    return figures


def share_of(rounds: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> str:
    """A URL's request rate as a share of hello-world's, round by round (each round's pair was
    measured within seconds of each other): the median, and the lowest and highest."""
    shares = sorted(f["rps"] / b["rps"] for f, b in zip(rounds, baseline, strict=True))
    return (
        f"   {statistics.median(shares):.1%} of hello-world "
        f"(rounds {shares[0]:.1%}–{shares[-1]:.1%})"
    )


def run(name: str, url: str, portal_url: str, args: argparse.Namespace, work: Path) -> None:
    port, hello_port = free_port(), free_port()
    env = environment(work, url, portal_url, f"http://127.0.0.1:{port}")
    print(f"\n{name}: loading {args.invoices:,} invoices ({args.largest:,} on one account)…")
    print(f"  loaded in {load(env, args.invoices, args.largest, args.accounts):.0f} s", flush=True)
    analyze(env)
    targets = portal_targets(env)
    database = database_cpu(url) if url.startswith("postgresql") else None
    server = serve("web:create_app()", port, env)
    hello = serve("portal:hello_app()", hello_port, env)
    try:
        invoice = targets["invoice"]
        cookie = ready_session(port, targets["link"], invoice)
        print(f"  largest account: {int(targets['count']):,} invoices", flush=True)
        urls = {
            "invoice list (page 1)": (server, port, "/invoices", cookie, database),
            "invoice list (open, by due)": (
                server, port, "/invoices?status=open&sort=due", cookie, database
            ),
            "invoice page": (server, port, f"/invoices/{invoice}", cookie, database),
            "cached invoice PDF": (server, port, f"/invoices/{invoice}/pdf", cookie, database),
            HELLO: (hello, hello_port, "/", "", None),
        }  # fmt: skip
        # Every URL in turn, ``--rounds`` times, each for its share of ``--seconds``: a page and
        # hello-world are measured minutes apart otherwise, and a busy neighbour in between
        # moves the ratio more than the app does.
        rounds: dict[str, list[dict[str, Any]]] = {label: [] for label in urls}
        for round_ in range(args.rounds):
            order = list(urls) if round_ % 2 == 0 else list(reversed(urls))
            for label in order:
                served, served_port, path, sent_cookie, db_cpu = urls[label]
                rounds[label].append(
                    measure(
                        served, served_port, path, sent_cookie, args, db_cpu,
                        seconds=args.seconds / args.rounds,
                    )
                )  # fmt: skip
        for label in urls:
            share = "" if label == HELLO else share_of(rounds[label], rounds[HELLO])
            report(label, combined(rounds[label]), share)
    finally:
        for process in (server, hello):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--largest", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=901)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=4, help="turns of every URL")
    parser.add_argument("--rendering", action="store_true", help="time each document format")
    parser.add_argument("--runs", type=int, default=20, help="renderings per format")
    args = parser.parse_args()
    if args.rendering:
        from portal_rendering import rendering

        rendering(args.runs)
        return
    print(
        f"ardesk portal bench: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; {args.clients} client processes, {args.seconds:.0f} s per URL"
    )
    work = Path(tempfile.mkdtemp(prefix="ardesk-bench-"))
    try:
        if args.only in (None, "sqlite"):
            url = f"sqlite:///{work / 'sqlite' / 'ardesk.db'}"
            run("SQLite", url, url, args, work / "sqlite")
        if args.only in (None, "postgresql"):
            from tests.support.postgres import throwaway_database

            with throwaway_database("ardesk_bench") as (url, portal_url):
                run("PostgreSQL", url, portal_url, args, work / "postgresql")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
