"""CPU per portal request, in-process: what the app itself costs, whatever shares the machine.

    .venv/bin/python bench/portal_cpu.py                       # this checkout, SQLite
    .venv/bin/python bench/portal_cpu.py --postgresql          # a throwaway PostgreSQL cluster
    .venv/bin/python bench/portal_cpu.py --tree ../baseline     # another checkout, same run
    .venv/bin/python bench/portal_cpu.py --profile /invoices/1/pdf   # where that request's CPU goes

A fresh database with one account (300 invoices) and a portal session opened from a link;
Flask's test client then requests each URL ``--requests`` times, five rounds, and the best round's
process CPU per request is printed (no network, no server: ``bench/portal.py`` measures those).
On PostgreSQL the portal connects as the row-level-security role, and the database server's own
CPU (its processes: the portal's backend, the WAL writer and the rest) is printed beside it, since
on one machine both come out of the same cores. Process CPU time hardly moves when other programs
load the cores, so a before/after comparison holds on a busy machine where request rates do not.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Only helpers that import nothing of ardesk are loaded before the tree is chosen (``--tree``):
# the app, ``core`` included, must all come from that tree.
from tests.support.postgres import throwaway_database

URLS = ("/invoices", "/invoices/1", "/invoices/1/pdf", "/healthz")


@contextmanager
def database_urls(postgresql: bool, tmp: str):
    """(privileged URL, portal URL): a SQLite file, or a throwaway cluster's two roles."""
    if postgresql:
        with throwaway_database("ardesk_bench") as urls:
            yield urls
    else:
        url = f"sqlite:///{tmp}/ardesk.db"
        yield url, url


def server_cpu(db) -> float:
    """CPU seconds used so far by the database server's processes (PostgreSQL only)."""
    if db.dialect != "postgresql":
        return 0.0
    from portal import database_cpu

    return database_cpu(db.settings.database_url)()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--urls", nargs="+", default=URLS, metavar="URL")
    parser.add_argument("--profile", metavar="URL", help="profile this URL instead (cProfile)")
    parser.add_argument("--profile-out", type=Path, help="also save the profile (for pstats)")
    args = parser.parse_args()
    tree = args.tree.resolve()
    sys.path.insert(0, str(tree))
    # The throwaway cluster's helper (this checkout's, imported above) serves any tree; the app
    # and the data builders are the tree's.

    from portal import signed_in_client

    import core
    from core import links
    from core.config import load_settings
    from core.db import Database
    from core.migrate import upgrade
    from core.models import LinkScope
    from tests.support import builders as b
    from web import create_app

    if not Path(core.__file__).resolve().is_relative_to(tree):
        sys.exit(f"core was loaded from {core.__file__}, not from {tree}")
    secret = "k" * 48
    with tempfile.TemporaryDirectory() as tmp, database_urls(args.postgresql, tmp) as urls:
        settings = load_settings(
            {
                "ARDESK_ENV": "test",
                "ARDESK_SECRET_KEY": secret,
                "ARDESK_VAR_DIR": tmp,
                "ARDESK_FROM_ADDRESS": "ar@bench.example",
                "ARDESK_DATABASE_URL": urls[0],
                "ARDESK_PORTAL_DATABASE_URL": urls[1],
            }
        )
        db = Database.connect(settings)
        upgrade(db.engine)
        with db.admin_session() as s:
            account = b.account(s, "A1", "Alice Manufacturing")
            contact = b.contact(s, account, "ap@alice.example")
            for i in range(300):
                issued = date(2026, 1, 1) + timedelta(days=i % 300)
                b.invoice(s, account, f"INV-{i:05}", "100.00", issued=issued)
            link = links.issue(
                s, links.LinkSigner(secret), settings.base_url, contact, LinkScope.portal,
                ttl=timedelta(hours=2),
            )  # fmt: skip
        client = signed_in_client(create_app(settings), link.token)
        print(f"tree: {tree} ({db.dialect})")
        if args.profile:
            for _ in range(30):
                client.get(args.profile)
            # CPU time, not wall time: waiting for the database server is not this process's.
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                client.get(args.profile)
            profiler.disable()
            if args.profile_out:
                profiler.dump_stats(args.profile_out)
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
        else:
            for url in args.urls:
                for _ in range(30):
                    client.get(url)
                best = server = float("inf")
                for _ in range(5):
                    started, server_started = time.process_time(), server_cpu(db)
                    for _ in range(args.requests):
                        status = client.get(url).status_code
                    used = (time.process_time() - started) / args.requests
                    if used < best:
                        best = used
                        server = (server_cpu(db) - server_started) / args.requests
                line = f"  {url:18} {status}  {best * 1000:6.2f} ms CPU/request"
                if db.dialect == "postgresql":
                    line += f"  (+ {server * 1000:.2f} ms in the database server)"
                print(line)
        db.dispose()


if __name__ == "__main__":
    main()
