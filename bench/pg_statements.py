"""What each of a portal request's messages costs PostgreSQL, and the portal, in CPU.

    .venv/bin/python bench/pg_statements.py
    .venv/bin/python bench/pg_statements.py --runs 5000

A throwaway cluster with the demo data (``bench/portal.py``'s loader), one connection as the
row-level-security role in the driver's autocommit mode, as the portal's. Each case is a whole
transaction as the portal sends it (``BEGIN; SET LOCAL …`` first, the commit last) and runs
``--runs`` times after a warm-up; printed per run: the server backend's CPU (from /proc) and this
process's. The rows beside each other tell what one part costs: a round trip on its own, the
session's lookup, a cached copy's key, the audit insert planned each time or prepared, and with
or without its foreign keys.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import portal

from tests.support.postgres import throwaway_database

OPEN = b"BEGIN; SET LOCAL ardesk.account_id = '1'; SET LOCAL plan_cache_mode = auto"
AUDIT = (
    "INSERT INTO {table} (account_id, at, action, actor, contact_id, link_id, target, ip, "
    "user_agent, detail) VALUES (1, now(), 'document.download', 'contact:1', 1, "
    "'bVlo9XPsKgjyAHmxMF1CBg', 'document:1', '127.0.0.1', NULL, "
    '\'{{"kind": "rendered_invoice", "invoice_id": 1, "cached": true}}\'::json)'
)


def timed(name: str, run: Callable[[], object], pid: int, runs: int) -> None:
    for _ in range(min(runs, 200)):
        run()
    server, client = portal.processes_cpu([pid]), time.process_time()
    for _ in range(runs):
        run()
    server = (portal.processes_cpu([pid]) - server) / runs * 1e6
    client = (time.process_time() - client) / runs * 1e6
    print(f"  {name:58} server {server:6.0f} µs   portal {client:6.0f} µs")


def cases(url: str, portal_url: str, invoice: int, key_hash: str, runs: int) -> None:
    import psycopg
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    from web.documents import reads
    from web.planning import Planning
    from web.visitor import _VISITOR_STATEMENTS

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute(
            "CREATE TABLE bench_audit (LIKE audit_events INCLUDING DEFAULTS INCLUDING INDEXES);"
            "GRANT INSERT ON bench_audit TO ardesk_portal"
        )
    connection = psycopg.connect(portal_url.replace("+psycopg", ""), autocommit=True)
    pid = connection.info.backend_pid
    cursor, pgconn = connection.cursor(), connection.pgconn
    print(f"PostgreSQL {connection.info.server_version}, {runs} runs per case")

    def through_cursor(*statements: tuple[str, dict | None]) -> Callable[[], None]:
        def run() -> None:
            cursor.execute(OPEN)
            for sql, params in statements:
                cursor.execute(sql, params, prepare=params is not None)
                cursor.fetchall() if cursor.description else None
            cursor.execute("COMMIT")

        return run

    def by_pqexec(*messages: bytes) -> Callable[[], None]:
        def run() -> None:
            for message in messages:
                assert pgconn.exec_(message).status in (1, 2)

        return run

    dialect = PGDialect_psycopg()
    session = str(_VISITOR_STATEMENTS[Planning.reused].statement.compile(dialect=dialect))
    session_values = {"key": key_hash, "account_id": 1, "scope_1": "portal", "kind_1": "customer"}
    copy = str(reads._copy_statement().compile(dialect=dialect))
    copy_values = {
        "invoice_id": invoice, "account_id": 1, "copy_prefix": "x" * 300, "param_1": 1,
        "kind_1": "erp_original", "kind_2": "rendered_invoice", "param_2": 1,
    }  # fmt: skip
    insert = AUDIT.format(table="audit_events").encode()
    pgconn.exec_(b"PREPARE bench_audit_insert AS " + insert)
    plain = AUDIT.format(table="bench_audit").encode()
    for name, run in (
        ("BEGIN, settings; COMMIT: two round trips, psycopg cursor", through_cursor()),
        ("the same by libpq's PQexec", by_pqexec(OPEN, b"COMMIT")),
        ("by PQexec, and SELECT 1 in a third round trip", by_pqexec(OPEN, b"SELECT 1", b"COMMIT")),
        ("psycopg cursor, the session's lookup in a third (prepared)",
         through_cursor((session, session_values))),
        ("psycopg cursor, a cached copy's key in a third (prepared)",
         through_cursor((copy, copy_values))),
        ("by PQexec, BEGIN, settings; then SELECT 1; COMMIT", by_pqexec(OPEN, b"SELECT 1; COMMIT")),
        ("by PQexec, the audit INSERT in place of SELECT 1, planned",
         by_pqexec(OPEN, insert + b"; COMMIT")),
        ("by PQexec, the audit INSERT prepared (EXECUTE)",
         by_pqexec(OPEN, b"EXECUTE bench_audit_insert; COMMIT")),
        ("by PQexec, the INSERT into a copy without foreign keys",
         by_pqexec(OPEN, plain + b"; COMMIT")),
    ):  # fmt: skip
        timed(name, run, pid, runs)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--invoices", type=int, default=20000)
    args = parser.parse_args()
    load = argparse.Namespace(invoices=args.invoices, largest=args.invoices // 2, accounts=11)
    print(f"ardesk statement costs: {os.uname().release}, {os.cpu_count()} CPUs")
    with throwaway_database("ardesk_statements") as (url, portal_url):
        env = portal.loaded(url, portal_url, load)
        targets = portal.portal_targets(env)
        import psycopg

        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute(
                "INSERT INTO web_sessions (id, kind, account_id, contact_id, link_id, created_at, "
                "last_seen_at, expires_at) SELECT 'bench', 'customer', l.account_id, l.contact_id, "
                "l.id, now(), now(), now() + interval '1 hour' FROM access_links l LIMIT 1"
            )
        cases(url, portal_url, int(targets["invoice"]), "bench", args.runs)


if __name__ == "__main__":
    main()
