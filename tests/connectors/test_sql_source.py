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
