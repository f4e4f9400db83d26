"""The floor under the portal's request rate: the least a cached-PDF request must do, written
with nothing but the database driver, beside a Flask hello-world, both served as
``bench/portal.py`` serves the portal.

    .venv/bin/python bench/portal_floor.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/portal_floor.py --only postgresql --seconds 8

The floor app does per request what the portal's promises cost at the least: a signed cookie
read, the account scope opened (on PostgreSQL ``BEGIN`` and ``set_config``), the server-side
session row read, the invoice row read, an audit row inserted and committed, and a 40 KB body
sent. No ORM, no templates, no permission matrix, no cache key. Its share of hello-world is the
most any design of those obligations can reach on the machine; the portal's share
(``bench/portal.py``) beside it says how much of the rest is ardesk's own code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BODY = b"%PDF-1.7\n" + b"x" * 40_000
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS floor_sessions (id text PRIMARY KEY, account_id int, seen text)",
    "CREATE TABLE IF NOT EXISTS floor_invoices (id int PRIMARY KEY, account_id int, number text, "
    "total numeric)",
    "CREATE TABLE IF NOT EXISTS floor_audit (id integer PRIMARY KEY, action text, actor text, "
    "detail text)",
)


def floor_app():
    """The floor app, for gunicorn: the database named by FLOOR_DATABASE (a path or a URL)."""
    from flask import Flask, Response, request
    from itsdangerous import URLSafeTimedSerializer

    target = os.environ["FLOOR_DATABASE"]
    postgresql = target.startswith("postgresql")
    cookie = URLSafeTimedSerializer("k" * 48)
    default_cookie = cookie.dumps({"s": "session-1", "a": 1})
    held: dict[str, object] = {}

    def connection():
        if "c" not in held:
            if postgresql:
                import psycopg

                held["c"] = psycopg.connect(target, autocommit=True)
            else:
                held["c"] = db = sqlite3.connect(target, isolation_level=None, timeout=10)
                db.execute("PRAGMA synchronous=NORMAL")  # as core.db sets it, in WAL mode
        return held["c"]

    app = Flask("floor")

    @app.get("/")
    def download():
        data = cookie.loads(request.cookies.get("floor", default_cookie), max_age=3600)
        db = connection()
        try:
            return _download(db, data)
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _download(db, data) -> Response:
        mark = "%s" if postgresql else "?"
        if postgresql:
            db.execute(f"BEGIN; SELECT set_config('floor.account', '{int(data['a'])}', true)")
        else:
            db.execute("BEGIN IMMEDIATE")  # the audit write ends it: take the lock first
        session_row = db.execute(
            f"SELECT seen FROM floor_sessions WHERE id = {mark} AND account_id = {mark}",
            (data["s"], data["a"]),
        ).fetchone()
        invoice = db.execute(
            f"SELECT number, total FROM floor_invoices WHERE id = {mark} AND account_id = {mark}",
            (1, data["a"]),
        ).fetchone()
        detail = json.dumps({"ip": request.remote_addr, "invoice": invoice[0]})
        db.execute(
            f"INSERT INTO floor_audit (action, actor, detail) VALUES ({mark}, {mark}, {mark})",
            ("document.download", f"session:{session_row[0]}", detail),
        )
        db.execute("COMMIT")
        return Response(BODY, mimetype="application/pdf")

    return app


def prepare(target: str) -> None:
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as db:
            for statement in SCHEMA:
                db.execute(statement.replace("integer PRIMARY KEY", "bigserial PRIMARY KEY"))
            db.execute("INSERT INTO floor_sessions VALUES ('session-1', 1, 'now')")
            db.execute("INSERT INTO floor_invoices VALUES (1, 1, 'INV-1', 100)")
    else:
        with sqlite3.connect(target) as db:
            db.execute("PRAGMA journal_mode=WAL")
            for statement in SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO floor_sessions VALUES ('session-1', 1, 'now')")
            db.execute("INSERT INTO floor_invoices VALUES (1, 1, 'INV-1', 100)")


def run(name: str, target: str, args: argparse.Namespace) -> None:
    import portal

    prepare(target)
    env = {**os.environ, "FLOOR_DATABASE": target}
    print(f"\n{name}:")
    for label, app in (("floor (driver only)", "portal_floor:floor_app()"),
                       ("Flask hello-world", "portal:hello_app()")):  # fmt: skip
        port = portal.free_port()
        server = portal.serve(app, port, env)
        try:
            portal.request(port, "/", timeout=120)  # imports and connects before measuring
            portal.report(label, portal.measure(server, port, "/", "", args))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ardesk-floor-") as work:
        if args.only in (None, "sqlite"):
            run("SQLite", str(Path(work) / "floor.db"), args)
        if args.only in (None, "postgresql"):
            from tests.support.postgres import throwaway_database

            with throwaway_database("ardesk_floor") as (url, _portal_url):
                run("PostgreSQL", url.replace("postgresql+psycopg://", "postgresql://"), args)


if __name__ == "__main__":
    main()
