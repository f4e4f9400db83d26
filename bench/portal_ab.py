"""Two checkouts of the portal side by side on one database, the same pages in alternating
rounds: what a change did to throughput, with whatever else loads the machine falling on both.

    .venv/bin/python bench/portal_ab.py --baseline ../ardesk-before
    .venv/bin/python bench/portal_ab.py --baseline ../ardesk-before --sqlite --rounds 12

``--baseline`` is another checkout of ardesk with the same database schema (the same
migrations) whose packages this virtualenv can run. One database gets ``ardesk demo-data``
(``--largest`` invoices on the first account), then gunicorn (2 sync workers) serves
``web:create_app()`` from each checkout, both at once. Every round drives each page on each
server for ``--seconds`` (``--clients`` processes, one request at a time each), the servers'
order alternating from round to round. Printed per page: each server's request rate, p99, and
CPU per request of its workers (and, on PostgreSQL, of the database server), and this
checkout's rate as a share of the baseline's, round by round: the median, lowest and highest.
A single run of ``bench/portal.py`` moves by more than most changes do on a shared machine.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import portal  # noqa: E402  (bench/portal.py: loading, sessions, driving)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--largest", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=101)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=2, help="per page, server and round")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    baseline = args.baseline.resolve()
    if not (baseline / "web" / "__init__.py").is_file():
        sys.exit(f"{baseline} is not a checkout of ardesk")
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/ardesk.db"
            compare(url, url, args, {"baseline": baseline, "this": ROOT}, None)
    else:
        from tests.support.postgres import throwaway_database

        with throwaway_database("ardesk_ab") as (url, portal_url):
            compare(url, portal_url, args, {"baseline": baseline, "this": ROOT}, url)


def compare(url: str, portal_url: str, args, trees: dict[str, Path], database_url) -> None:
    env = portal.loaded(url, portal_url, args)
    database = portal.database_cpu(database_url) if database_url else None
    servers, pages = {}, {}
    try:
        for name, tree in trees.items():
            port = portal.free_port()
            served_env = {**env, "ARDESK_BASE_URL": f"http://127.0.0.1:{port}"}
            targets = portal.portal_targets(served_env)
            servers[name] = (portal.serve("web:create_app()", port, served_env, tree), port)
            invoice = targets["invoice"]
            cookie = portal.ready_session(port, targets["link"], invoice)
            paths = {"invoice list (page 1)": "/invoices", "cached PDF": f"/invoices/{invoice}/pdf"}
            pages[name] = (paths, cookie)
        rounds = {(name, page): [] for name in trees for page in pages["this"][0]}
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for page in pages["this"][0]:
                for name in order:
                    (server, port), (paths, cookie) = servers[name], pages[name]
                    measured = portal.measure(
                        server, port, paths[page], cookie, args, database, seconds=args.seconds
                    )
                    assert measured["errors"] == 0, (name, page, measured["errors"])
                    rounds[name, page].append(measured)
        for page in pages["this"][0]:
            print(f"\n{page}")
            for name in trees:
                portal.report(f"{name} ({trees[name].name})", portal.combined(rounds[name, page]))
            shares = sorted(
                this["rps"] / base["rps"]
                for this, base in zip(rounds["this", page], rounds["baseline", page], strict=True)
            )
            print(
                f"  this checkout's rate ÷ the baseline's: median {statistics.median(shares):.3f} "
                f"(rounds {shares[0]:.3f}–{shares[-1]:.3f})"
            )
    finally:
        for server, _ in servers.values():
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
