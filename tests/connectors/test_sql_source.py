"""The SQL source against a real schema someone else designed: Chinook, in SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from connectors.errors import SourceConfigError
from connectors.sync.engine import SyncFailed
from core.models import Account, Contact, Invoice, InvoiceLine
from tests.connectors.chinook import SQLITE_SCRIPT, load_postgres, load_sqlite
from tests.connectors.conftest import EXAMPLES, invoice, nothing_changed, snapshot, sync
from tests.support.services import missing

SOURCES = EXAMPLES / "chinook" / "sources.toml"


@pytest.fixture(autouse=True)
def _chinook_present() -> None:
    if not SQLITE_SCRIPT.exists():  # under CI=true a failure, elsewhere a skip that says why
        missing("the Chinook sample", "a checkout with shared/samples/chinook beside it")


@pytest.fixture
def chinook_sqlite(tmp_path):
    path = load_sqlite(tmp_path / "chinook.db")
    return path, {"CHINOOK_DATABASE_URL": f"sqlite:///{path}"}


def counts(db):
    with db.admin_session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model))
            for model in (Account, Contact, Invoice, InvoiceLine)
        )


def test_it_syncs_chinook_from_sqlite(db, chinook_sqlite):
    _, environ = chinook_sqlite

    report = sync(db, SOURCES, "chinook", environ)

    assert report.rejected == []
    assert counts(db) == (59, 59, 412, 2240)
    first = invoice(db, "1")
    assert first.total == Decimal("1.98") and first.currency == "USD"
    assert str(first.due_date) == "2021-01-31" and first.status == "open"
    assert [line.description for line in first.lines] == ["Balls to the Wall", "Restless and Wild"]
    with db.admin_session() as s:
        company = s.scalars(select(Account).where(Account.erp_id == "1")).one()
    assert company.name == "Embraer - Empresa Brasileira de Aeronáutica S.A."
    assert company.email_domains == ["embraer.com.br"]


def test_it_syncs_chinook_from_postgresql(pg_db, postgres):
    environ = {"CHINOOK_DATABASE_URL": load_postgres(postgres, "chinook_source")}

    report = sync(pg_db, SOURCES, "chinook-postgresql", environ)

    assert report.rejected == []
    assert counts(pg_db) == (59, 59, 412, 2240)
    assert invoice(pg_db, "412").total == Decimal("1.99")


def test_only_what_changed_since_the_watermark_is_read(db, chinook_sqlite):
    path, environ = chinook_sqlite
    sync(db, SOURCES, "chinook", environ)
    before = snapshot(db)

    again = sync(db, SOURCES, "chinook", environ)

    assert nothing_changed(again) and snapshot(db) == before
    # The overlap window (one day) re-reads the newest invoice only.
    assert again.unchanged["invoices"] < 5

    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, Total) "
            "VALUES (413, 2, '2025-12-23 00:00:00', 0.99)"
        )
        conn.execute(
            "INSERT INTO InvoiceLine (InvoiceLineId, InvoiceId, TrackId, UnitPrice, Quantity) "
            "VALUES (2241, 413, 1, 0.99, 1)"
        )
    newer = sync(db, SOURCES, "chinook", environ)

    assert newer.inserted["invoices"] == 1 and newer.inserted["lines"] == 1
    assert invoice(db, "413").account_id is not None


def test_a_missing_table_fails_cleanly_and_writes_nothing(db, tmp_path):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()

    with pytest.raises(SyncFailed, match="no such table"):
        sync(db, SOURCES, "chinook", {"CHINOOK_DATABASE_URL": f"sqlite:///{empty}"})

    assert counts(db) == (0, 0, 0, 0)


def test_the_url_comes_from_the_environment(db):
    with pytest.raises(SourceConfigError, match="CHINOOK_DATABASE_URL"):
        sync(db, SOURCES, "chinook", {})


def test_an_invoice_changed_without_its_lines_keeps_them(db, tmp_path):
    """A line query that reads only lines changed since the watermark lists none for an invoice
    whose header alone changed: its stored lines stay."""
    ledger = tmp_path / "ledger.db"
    with sqlite3.connect(ledger) as conn:
        conn.executescript(
            """
            CREATE TABLE docs (no TEXT, cust TEXT, day TEXT, total NUMERIC, open NUMERIC,
                               changed TEXT);
            CREATE TABLE lines (no TEXT, pos INTEGER, text TEXT, amount NUMERIC, changed TEXT);
            INSERT INTO docs VALUES ('D1', 'C1', '2026-09-01', 100, 100, '2026-09-01 08:00:00');
            INSERT INTO lines VALUES ('D1', 1, 'Valve', 100, '2026-09-01 08:00:00');
            """
        )
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f"""
[sources.ledger]
kind = "sql"
url = "sqlite:///{ledger}"
[sources.ledger.queries]
accounts = "SELECT 'C1' AS cust, 'Contoso' AS name"
invoices = "SELECT * FROM docs WHERE changed > :since"
lines = "SELECT * FROM lines WHERE changed > :since"
[sources.ledger.mapping.accounts]
erp_id = "cust"
name = "name"
currency = {{ constant = "EUR" }}
[sources.ledger.mapping.invoices]
erp_id = "no"
account = "cust"
issue_date = "day"
currency = {{ constant = "EUR" }}
total = "total"
balance = "open"
updated_at = "changed"
[sources.ledger.mapping.lines]
invoice = "no"
line_no = "pos"
description = "text"
net_amount = "amount"
""",
        encoding="utf-8",
    )
    sync(db, sources, "ledger")
    with sqlite3.connect(ledger) as conn:  # a reminder sent: the header changes, not its lines
        conn.execute("UPDATE docs SET changed = '2026-09-15 08:00:00'")
    sync(db, sources, "ledger")
    with sqlite3.connect(ledger) as conn:  # paid in full, long after the lines last changed
        conn.execute("UPDATE docs SET open = 0, changed = '2026-09-20 08:00:00'")

    report = sync(db, sources, "ledger")

    assert report.updated["invoices"] == 1
    paid = invoice(db, "D1")
    assert paid.status == "paid" and [line.description for line in paid.lines] == ["Valve"]
