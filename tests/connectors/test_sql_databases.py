"""The SQL source against the three databases an ERP keeps its ledger in here: PostgreSQL,
MariaDB and SQLite, each a real server (or file) the tests start. The same ledger in each, with
the types that go wrong: exact decimals beyond a float's precision, dates, local times of a
zone with summer time, PostgreSQL's timestamptz, MariaDB's DATETIME."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, text

from core.models import Account
from tests.connectors.conftest import invoice, nothing_changed, sync, write_sources
from tests.support.mariadb import MariaDBServer, find_server
from tests.support.services import missing

# The ERP's clock: naive local times in Berlin (summer: UTC+2, winter: UTC+1).
LEDGER = {
    "accounts": [
        ("C-1", "Müller Maschinenbau GmbH", "EUR", "2026-07-01 12:00:00"),
        ("C-2", "Nordwind Logistik AG", "CHF", "2026-12-01 12:00:00"),
    ],
    "invoices": [
        # number, account, issued, due, currency, net, tax, gross, balance, changed (local)
        ("R-1", "C-1", "2026-07-01", "2026-07-31", "EUR", "1037452.0094", "197115.8818",
         "1234567.8912", "1234567.8912", "2026-07-01 12:00:00"),
        ("R-2", "C-2", "2026-12-01", "2026-12-31", "CHF", "0.0100", "0.0000", "0.0100",
         "0.0000", "2026-12-01 12:00:00"),
        ("G-1", "C-1", "2026-07-02", "2026-07-02", "EUR", "-84.0336", "-15.9664", "-100.0000",
         "-100.0000", "2026-07-02 09:30:00"),
    ],
}  # fmt: skip
SCHEMA = {
    "postgresql": (
        "CREATE TABLE customers (cust_no VARCHAR(20) PRIMARY KEY, name VARCHAR(200),"
        " currency CHAR(3), changed_at TIMESTAMP)",
        "CREATE TABLE ar_invoices (doc_no VARCHAR(20) PRIMARY KEY, cust_no VARCHAR(20),"
        " issued DATE, due DATE, currency CHAR(3), net NUMERIC(18,4), tax NUMERIC(18,4),"
        " gross NUMERIC(18,4), balance NUMERIC(18,4), changed_at TIMESTAMP)",
    ),
    "mariadb": (
        "CREATE TABLE customers (cust_no VARCHAR(20) PRIMARY KEY, name VARCHAR(200),"
        " currency CHAR(3), changed_at DATETIME) CHARACTER SET utf8mb4",
        "CREATE TABLE ar_invoices (doc_no VARCHAR(20) PRIMARY KEY, cust_no VARCHAR(20),"
        " issued DATE, due DATE, currency CHAR(3), net DECIMAL(18,4), tax DECIMAL(18,4),"
        " gross DECIMAL(18,4), balance DECIMAL(18,4), changed_at DATETIME)",
    ),
    "sqlite": (
        "CREATE TABLE customers (cust_no TEXT PRIMARY KEY, name TEXT, currency TEXT,"
        " changed_at TEXT)",
        # SQLite keeps NUMERIC as REAL where it can: the amounts are text, as ERPs on SQLite do.
        "CREATE TABLE ar_invoices (doc_no TEXT PRIMARY KEY, cust_no TEXT, issued TEXT,"
        " due TEXT, currency TEXT, net TEXT, tax TEXT, gross TEXT, balance TEXT,"
        " changed_at TEXT)",
    ),
}
SOURCES = """
[sources.ledger]
kind = "sql"
url_env = "LEDGER_URL"
timezone = "Europe/Berlin"
overlap = "1m"
[sources.ledger.queries]
accounts = "SELECT * FROM customers WHERE changed_at > :since ORDER BY cust_no"
invoices = "SELECT * FROM ar_invoices WHERE changed_at > :since ORDER BY doc_no"
[sources.ledger.mapping.accounts]
erp_id = "cust_no"
name = "name"
currency = "currency"
updated_at = "changed_at"
[sources.ledger.mapping.invoices]
erp_id = "doc_no"
account = "cust_no"
kind = { field = "doc_no", values = { "G-1" = "credit_note" }, other = "invoice" }
issue_date = "issued"
due_date = "due"
currency = "currency"
subtotal = "net"
tax = "tax"
total = "gross"
balance = "balance"
updated_at = "changed_at"
"""


@pytest.fixture(scope="module")
def mariadb() -> Iterator[MariaDBServer]:
    server_binary = find_server()
    if server_binary is None:
        missing("MariaDB server", "scripts/install-system-deps.sh (mariadb-server)")
    server = MariaDBServer(server_binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["postgresql", "mariadb", "sqlite"])
def ledger(request, tmp_path) -> str:
    """The ERP's database, filled; returns its URL."""
    kind = request.param
    if kind == "postgresql":
        server = request.getfixturevalue("postgres")
        name = f"ledger_{abs(hash(tmp_path)) % 10**8}"
        server.sql(f"CREATE DATABASE {name}")
        url = server.url(database=name)
    elif kind == "mariadb":
        url = request.getfixturevalue("mariadb").create_database(
            f"ledger_{abs(hash(tmp_path)) % 10**8}"
        )
    else:
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in SCHEMA[kind]:
            conn.execute(text(statement))
        conn.execute(
            text("INSERT INTO customers VALUES (:a, :b, :c, :d)"),
            [dict(zip("abcd", row, strict=True)) for row in LEDGER["accounts"]],
        )
        conn.execute(
            text("INSERT INTO ar_invoices VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j)"),
            [dict(zip("abcdefghij", row, strict=True)) for row in LEDGER["invoices"]],
        )
    engine.dispose()
    return url


def test_each_database_gives_exact_amounts_dates_and_times(db, tmp_path, ledger):
    sources = write_sources(tmp_path, SOURCES)

    report = sync(db, sources, "ledger", {"LEDGER_URL": ledger})

    assert report.rejected == []
    big = invoice(db, "R-1")
    assert (big.total, big.subtotal, big.tax, big.balance) == (
        Decimal("1234567.8912"),
        Decimal("1037452.0094"),
        Decimal("197115.8818"),
        Decimal("1234567.8912"),
    )
    assert (big.issue_date, big.due_date) == (date(2026, 7, 1), date(2026, 7, 31))
    # Noon in Berlin: 10:00 UTC in summer, 11:00 UTC in winter.
    assert big.source_updated_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    small = invoice(db, "R-2")
    assert (small.total, small.currency, small.status) == (Decimal("0.01"), "CHF", "paid")
    assert small.source_updated_at == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    credit = invoice(db, "G-1")
    assert (credit.kind, credit.total) == ("credit_note", Decimal("-100"))
    with db.admin_session() as s:
        assert sorted(s.scalars(select(Account.currency))) == ["CHF", "EUR"]

    assert nothing_changed(sync(db, sources, "ledger", {"LEDGER_URL": ledger}))


def test_the_watermark_is_bound_in_the_erps_zone(db, tmp_path, ledger):
    sources = write_sources(tmp_path, SOURCES)
    sync(db, sources, "ledger", {"LEDGER_URL": ledger})
    engine = create_engine(ledger)
    with engine.begin() as conn:
        # Paid an hour after the newest change (R-2, noon in Berlin). The watermark is that
        # noon less the minute of overlap, bound in Berlin: R-2 is read again, unchanged, and
        # R-1 updated. Reading the ERP's times as UTC would set the watermark an hour late and
        # skip R-2 (and, for a change within that hour, miss it).
        conn.execute(
            text(
                "UPDATE ar_invoices SET balance = '0.0000', changed_at = '2026-12-01 13:00:00'"
                " WHERE doc_no = 'R-1'"
            )
        )
    engine.dispose()

    report = sync(db, sources, "ledger", {"LEDGER_URL": ledger})

    assert (report.updated["invoices"], report.unchanged["invoices"]) == (1, 1)
    assert invoice(db, "R-1").status == "paid"
