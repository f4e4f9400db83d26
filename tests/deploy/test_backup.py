"""A backup restored into a fresh PostgreSQL cluster serves the same invoice.

As docs/operations.md tells an operator: the roles with ``pg_dumpall --roles-only``, the database
with ``pg_dump -Fc``; on the new cluster the roles first, then ``pg_restore`` into a database
owned by the privileged role. Row-level security, its policies and the portal role's grants come
back with the dump; the PDF rendered before the backup is served from the database afterwards,
byte for byte, and a link sent before the backup still opens.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date
from pathlib import Path

from sqlalchemy import select, text

from core.db import Database
from core.demo.generate import DemoSpec
from core.demo.load import load_demo
from core.migrate import upgrade
from core.models import Contact, Invoice, LinkScope
from tests.conftest import make_settings
from tests.support.postgres import PORTAL, PRIVILEGED, PostgresServer, find_bindir
from tests.web.conftest import follow, https_client, issue_link
from web import create_app

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _database(server: PostgresServer, name: str, tmp_path: Path) -> Database:
    return Database.connect(
        make_settings(
            tmp_path,
            server.url(*PRIVILEGED, database=name),
            server.url(*PORTAL, database=name),
        )
    )


def _client_tool(server: PostgresServer, tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(server.bindir / tool), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
         *args],
        capture_output=True, text=True, check=True,
    )  # fmt: skip


def _visit(db: Database, token: str, invoice_id: int) -> tuple[str, bytes]:
    """Open the link, then the invoice's page and PDF: (page without its CSRF token, PDF)."""
    app = create_app(db.settings.replace(from_address="ar@supplier.example"))
    try:
        browser = https_client(app)
        assert follow(browser, token).status_code == 303
        page = browser.get(f"/invoices/{invoice_id}")
        pdf = browser.get(f"/invoices/{invoice_id}/pdf")
        assert page.status_code == 200 and pdf.status_code == 200
        assert pdf.mimetype == "application/pdf"
        return CSRF.sub("", page.text), pdf.data
    finally:
        app.extensions["ardesk.db"].dispose()


def test_a_restored_backup_serves_the_same_invoice(postgres, tmp_path: Path):
    postgres.create_database("backed_up")
    source = _database(postgres, "backed_up", tmp_path)
    upgrade(source.engine)
    load_demo(source, DemoSpec(accounts=3, invoices_per_account=5, seed=4, as_of=date.today()))
    with source.admin_session() as s:
        invoice = s.scalars(select(Invoice).order_by(Invoice.id).limit(1)).one()
        contact = s.scalars(
            select(Contact).where(Contact.account_id == invoice.account_id).limit(1)
        ).one()
        invoice_id, contact_id = invoice.id, contact.id
    app = create_app(source.settings.replace(from_address="ar@supplier.example"))
    token = issue_link(app, contact_id, LinkScope.portal).token
    app.extensions["ardesk.db"].dispose()
    before_page, before_pdf = _visit(source, token, invoice_id)  # renders and stores the PDF
    source.dispose()

    roles = tmp_path / "roles.sql"
    dump = tmp_path / "ardesk.dump"
    _client_tool(postgres, "pg_dumpall", "--roles-only", "--file", str(roles))
    _client_tool(postgres, "pg_dump", "--format=custom", "--file", str(dump), "backed_up")

    fresh = PostgresServer(postgres.bindir or find_bindir())
    fresh.start()
    try:
        # The roles first (the superuser already exists there: that one line fails, as expected)
        _client_tool(fresh, "psql", "--quiet", "--file", str(roles), "postgres")
        fresh.sql(f"CREATE DATABASE restored OWNER {PRIVILEGED[0]}")
        _client_tool(fresh, "pg_restore", "--exit-on-error", "--dbname", "restored", str(dump))
        restored = _database(fresh, "restored", tmp_path)
        try:
            after_page, after_pdf = _visit(restored, token, invoice_id)
            with restored.portal_engine.connect() as conn:  # row-level security came back too
                assert conn.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 0
        finally:
            restored.dispose()
    finally:
        fresh.stop()

    assert after_page == before_page
    assert hashlib.sha256(after_pdf).hexdigest() == hashlib.sha256(before_pdf).hexdigest()
