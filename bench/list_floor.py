"""The floor under the invoice list's request rate on PostgreSQL: the least a list page must do,
written with nothing but Flask and the database driver, beside a Flask hello-world, both served
as ``bench/portal.py`` serves the portal, on the same data.

    .venv/bin/python bench/list_floor.py
    .venv/bin/python bench/list_floor.py --invoices 200000 --largest 100000 --seconds 8

A throwaway cluster gets ``ardesk demo-data`` as ``bench/portal.py`` loads it (the largest account
holding ``--largest`` invoices) and a server-side session for that account. Per request the floor
app reads a signed cookie, opens the account scope on the row-level-security role (``BEGIN`` and
``set_config``), reads the session's row, reads the first page of the account's invoices with
their capped count through the portal's own statement (``web.portal.listing``, planned with its
values as the portal plans it), inserts and commits the audit row, and writes the 25 rows as
HTML, each text escaped. No ORM, no templates, no translations, no permission matrix. Its share
of hello-world is the most any design of those obligations reaches on this machine; the portal's
share (``bench/portal.py``) beside it says how much of the rest is ardesk's own code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import timedelta
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGE_HEAD = "<!doctype html><html><head><title>Invoices</title></head><body><table>"
AUDIT = (
    "INSERT INTO audit_events (account_id, at, action, actor, contact_id, target, ip, "
    "user_agent, detail) VALUES (%s, now(), 'invoices.list', %s, %s, 'invoices', %s, %s, %s)"
)


def floor_app():
    """The floor app, for gunicorn: FLOOR_URL (the portal role), FLOOR_SESSION (a session's key
    and account, as JSON)."""
    import psycopg
    from flask import Flask, Response, request
    from itsdangerous import URLSafeTimedSerializer
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    from web.portal.listing import PAGE_SIZE, InvoiceFilters, _statements

    known = json.loads(os.environ["FLOOR_SESSION"])
    cookie = URLSafeTimedSerializer("k" * 48)
    default_cookie = cookie.dumps({"s": known["key"], "a": known["account"]})
    query, _ = _statements(InvoiceFilters(), (), False, False, PAGE_SIZE, True)
    compiled = query.compile(dialect=PGDialect_psycopg())
    list_sql = str(compiled)
    fixed = {name: bind.effective_value for name, bind in compiled.binds.items()}
    held: dict[str, psycopg.Connection] = {}

    def connection() -> psycopg.Connection:
        if "c" not in held:
            held["c"] = psycopg.connect(os.environ["FLOOR_URL"], autocommit=True)
            held["c"].execute("SET plan_cache_mode = force_custom_plan")
        return held["c"]

    app = Flask("list_floor")

    @app.get("/")
    def invoices():
        data = cookie.loads(request.cookies.get("floor", default_cookie), max_age=3600)
        db = connection()
        try:
            return _page(db, data)
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _page(db: psycopg.Connection, data: dict) -> Response:
        account = int(data["a"])
        db.execute(
            f"BEGIN; SELECT set_config('ardesk.account_id', '{account}', true), "
            "set_config('plan_cache_mode', 'auto', true)"
        )
        # The session's key lookup reuses its plan; the list after it is planned with its values.
        session_row = db.execute(
            "SELECT last_seen_at, expires_at, ended_at, contact_id, "
            "set_config('plan_cache_mode', 'force_custom_plan', true) FROM web_sessions "
            "WHERE id = %s AND account_id = %s",
            (data["s"], account),
        ).fetchone()
        rows = db.execute(list_sql, {**fixed, "account_id": account}).fetchall()
        detail = json.dumps({"rows": min(len(rows), PAGE_SIZE)})
        db.execute(
            AUDIT,
            (account, f"contact:{session_row[3]}", session_row[3], request.remote_addr,
             request.headers.get("User-Agent"), detail),
        )  # fmt: skip
        db.execute("COMMIT")
        cells = []
        for row in rows[:PAGE_SIZE]:
            number, issued, due, po, currency, total, balance, status = (
                row[1], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
            )  # fmt: skip
            cells.append(
                f'<tr><td><a href="/invoices/{row[0]}">{escape(number)}</a></td>'
                f"<td>{issued.isoformat()}</td><td>{due.isoformat()}</td>"
                f"<td>{escape(po or '')}</td><td>{total} {currency}</td>"
                f"<td>{balance} {currency}</td><td>{escape(status)}</td></tr>"
            )
        count = rows[0][10] if rows else 0
        body = f"{PAGE_HEAD}{''.join(cells)}</table><p>{count} invoices</p></body></html>"
        return Response(body, mimetype="text/html")

    return app


def session_for_largest(env: dict[str, str]) -> dict[str, object]:
    """A server-side session of the largest account's AP contact, opened from a portal link."""
    import portal
    from sqlalchemy import select

    from core import sessions
    from core.config import load_settings
    from core.db import Database
    from core.models import AccessLink, SessionKind, utcnow

    targets = portal.portal_targets(env)
    db = Database.connect(load_settings(env, read_dotenv=False))
    with db.admin_session() as s:
        link = s.scalars(select(AccessLink).order_by(AccessLink.created_at.desc())).first()
        account, contact = link.account_id, link.contact_id
    with db.account_scope(account) as scoped:
        secret = sessions.start(
            scoped, SessionKind.customer, account_id=account, contact_id=contact,
            link_id=link.id, expires_at=utcnow() + timedelta(hours=2),
        )  # fmt: skip
    db.dispose()
    print(f"  largest account: {int(targets['count']):,} invoices")
    return {"key": sessions.session_key(secret), "account": account}


def main() -> None:
    import portal

    from tests.support.postgres import throwaway_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--largest", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=101)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with throwaway_database("ardesk_list_floor") as (url, portal_url):
        env = portal.loaded(url, portal_url, args)
        known = session_for_largest(env)
        env = {
            **env,
            "FLOOR_URL": portal_url.replace("postgresql+psycopg://", "postgresql://"),
            "FLOOR_SESSION": json.dumps(known),
        }
        for label, app in (("list floor (driver only)", "list_floor:floor_app()"),
                           ("Flask hello-world", "portal:hello_app()")):  # fmt: skip
            port = portal.free_port()
            server = portal.serve(app, port, env)
            try:
                response, _ = portal.request(port, "/", timeout=120)
                assert response.status == 200, response.status
                portal.report(label, portal.measure(server, port, "/", "", args))
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
