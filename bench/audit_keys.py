"""What the audit trail's foreign keys cost a portal request on PostgreSQL, measured on one server
with the keys put back and taken away in alternating rounds.

    .venv/bin/python bench/audit_keys.py
    .venv/bin/python bench/audit_keys.py --rounds 8 --seconds 4 --path /invoices/1/pdf

Until migration 0024, ``audit_events.account_id`` and ``contact_id`` referenced ``accounts`` and
``contacts``: every event's insert checked both, locking each row it named. A throwaway cluster
gets ``bench/portal.py``'s data (``--largest`` invoices on one account); gunicorn serves this
checkout; each round adds the two keys as they were (or leaves them out) and drives ``--path``
with ``--clients`` processes for ``--seconds``. Printed per round and as medians: the request
rate, the workers' CPU and the database server's CPU per request, and the rates' ratio
round by round.
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

# As migration 0001 made them.
KEYS = {
    "fk_audit_events_account_id_accounts": "FOREIGN KEY (account_id) REFERENCES accounts(id)"
    " ON DELETE CASCADE",
    "fk_audit_events_contact_id_contacts": "FOREIGN KEY (contact_id) REFERENCES contacts(id)"
    " ON DELETE SET NULL",
}


def set_keys(url: str, on: bool) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        for name, definition in KEYS.items():
            connection.execute(f"ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS {name}")
            if on:
                connection.execute(f"ALTER TABLE audit_events ADD CONSTRAINT {name} {definition}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--largest", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=101)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--path", default="/invoices")
    args = parser.parse_args()
    from tests.support.postgres import throwaway_database

    with throwaway_database("ardesk_bench") as (url, portal_url):
        port = portal.free_port()
        env = portal.environment(
            Path(tempfile.mkdtemp()), url, portal_url, f"http://127.0.0.1:{port}"
        )
        portal.load(env, args.invoices, args.largest, args.accounts)
        portal.analyze(env)
        targets = portal.portal_targets(env)
        database = portal.database_cpu(url)
        server = portal.serve("web:create_app()", port, env)
        figures: dict[str, list[dict]] = {"with the keys": [], "without": []}
        try:
            cookie = portal.ready_session(port, targets["link"], targets["invoice"])
            path = args.path.replace("/1/", f"/{targets['invoice']}/")
            portal.drive(port, path, cookie, 2, args.clients)  # warm both workers
            for round_ in range(args.rounds):
                order = list(figures) if round_ % 2 == 0 else list(reversed(figures))
                for label in order:
                    set_keys(url, label == "with the keys")
                    measured = portal.measure(server, port, path, cookie, args, database)
                    figures[label].append(measured)
                    print(
                        f"  {label:<14} {measured['rps']:6.0f} req/s   worker "
                        f"{measured['cpu_ms']:.2f} ms   database {measured['database_ms']:.3f} ms",
                        flush=True,
                    )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(f"{args.path}, median of {args.rounds} rounds:")
    for label, rounds in figures.items():
        print(
            f"  {label:<14} {statistics.median(f['rps'] for f in rounds):6.0f} req/s   "
            f"worker {statistics.median(f['cpu_ms'] for f in rounds):.2f} ms   "
            f"database {statistics.median(f['database_ms'] for f in rounds):.3f} ms"
        )
    # Each round's pair was measured within seconds of each other: their ratio moves less than
    # either rate when the machine's speed drifts.
    pairs = list(zip(figures["without"], figures["with the keys"], strict=True))
    ratios = sorted(without["rps"] / keys["rps"] for without, keys in pairs)
    saved = sorted(keys["database_ms"] - without["database_ms"] for without, keys in pairs)
    print(
        f"  without ÷ with, round by round: {statistics.median(ratios):.3f} "
        f"({ratios[0]:.2f}–{ratios[-1]:.2f}); database CPU saved "
        f"{statistics.median(saved) * 1000:.0f} µs ({saved[0] * 1000:.0f}–{saved[-1] * 1000:.0f})"
    )


if __name__ == "__main__":
    main()
