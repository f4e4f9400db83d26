"""The portal through PgBouncer in transaction mode: two web processes, two customers, interleaved.

PgBouncer hands each transaction whichever server connection is free, so the customers' requests
run on the same few server connections one after the other. Row-level security's account is set
per transaction (``set_config(…, true)``) and so goes with it; nothing is prepared on the server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.db import Database
from tests.web.conftest import https_client, open_portal, portal_settings
from web import create_app

pytestmark = pytest.mark.parametrize("db", ["pgbouncer"], indirect=True)


def test_two_web_processes_serve_two_customers_each_their_own_pages(db, world):
    apps = [create_app(portal_settings(db.settings)) for _ in range(2)]
    try:
        customers = {
            "alice": (world.alice_contact, "Alice Manufacturing", "A", "Bob Logistics", "B"),
            "bob": (world.bob_contact, "Bob Logistics", "B", "Alice Manufacturing", "A"),
        }
        browsers = {}
        for index, (name, (contact, *_)) in enumerate(customers.items()):
            app = apps[index]  # Alice signs in on the first process, Bob on the second
            browsers[name] = https_client(app)
            open_portal(app, browsers[name], contact)
        for round_ in range(8):  # past psycopg's fifth run of a statement, where it prepares
            for name, (_, own, prefix, other, other_prefix) in customers.items():
                browser = browsers[name]
                overview = browser.get("/")
                assert overview.status_code == 200, (round_, name)
                assert own in overview.text and other not in overview.text
                listing = browser.get("/invoices")
                assert f">{prefix}-100<" in listing.text and f">{prefix}-101<" in listing.text
                assert f">{other_prefix}-100<" not in listing.text
                mine = browser.get(f"/invoices/{world.invoices[f'{prefix}-100']}")
                assert mine.status_code == 200
                theirs = world.invoices[f"{other_prefix}-100"]
                assert browser.get(f"/invoices/{theirs}").status_code == 404
    finally:
        for app in apps:
            app.extensions["ardesk.db"].dispose()


def test_row_level_security_holds_per_transaction_on_shared_server_connections(db, world):
    # Two processes' engines; raw SQL, which only row-level security filters.
    second = Database.connect(db.settings)
    try:
        backends: set[int] = set()
        for _ in range(8):
            for database, account, own in ((db, world.alice, "A"), (second, world.bob, "B")):
                with database.account_scope(account) as s:
                    numbers = s.execute(text("SELECT number FROM invoices ORDER BY 1")).scalars()
                    assert list(numbers) == [f"{own}-100", f"{own}-101"]
                    backends.add(s.execute(text("SELECT pg_backend_pid()")).scalar_one())
                with database.portal_engine.connect() as conn:  # no account: no rows
                    assert conn.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 0
        # Fewer server connections than transactions: the two processes did share them.
        assert len(backends) <= 3
    finally:
        second.dispose()
