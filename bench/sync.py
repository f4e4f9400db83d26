"""Sync figures: a 1,000,000-invoice CSV import (with lines and payments) into SQLite and
PostgreSQL, then an incremental sync of 1,000 changed invoices from the ERP's database.

    .venv/bin/python bench/sync.py [--invoices N] [--changed N] [--databases sqlite,postgresql]

The ERP is a SQLite database generated here; its full export (CSV files) is the initial import,
then 1,000 invoices change in the ERP and the same source, now read through the SQL connector
with its watermark, brings them over. PostgreSQL runs in a throwaway server
(tests/support/postgres.py). Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from connectors.config import load_source
from connectors.sync.engine import run_sync
from core.config import load_settings
from core.db import Database
from core.migrate import upgrade
from core.models import Invoice, InvoiceLine, Payment

LINES_PER_INVOICE = 2
CENT = Decimal("0.01")

CSV_SOURCES = """
[sources.bench]
kind = "csv"
mapping = "mapping.toml"
[sources.bench.files]
accounts = "accounts.csv"
invoices = "invoices.csv"
lines = "lines.csv"
payments = "payments.csv"
allocations = "allocations.csv"
"""
SQL_SOURCES = """
[sources.bench]
kind = "sql"
url_env = "BENCH_ERP_URL"
mapping = "mapping.toml"
overlap = "1m"
[sources.bench.queries]
accounts = "SELECT * FROM accounts WHERE updated_at > :since"
invoices = "SELECT * FROM invoices WHERE updated_at > :since"
lines = '''SELECT l.* FROM lines l JOIN invoices i ON i.invoice = l.invoice
           WHERE i.updated_at > :since'''
payments = "SELECT * FROM payments WHERE updated_at > :since"
allocations = '''SELECT a.* FROM allocations a JOIN payments p ON p.payment = a.payment
                 WHERE p.updated_at > :since'''
"""
MAPPING = """
[accounts]
erp_id = "account"
name = "name"
currency = "currency"
updated_at = "updated_at"
[invoices]
erp_id = "invoice"
account = "account"
issue_date = "issued"
due_date = "due"
currency = "currency"
subtotal = "net"
tax = "tax"
total = "gross"
updated_at = "updated_at"
[lines]
invoice = "invoice"
line_no = "line_no"
sku = "sku"
description = "description"
quantity = "quantity"
unit_price = "unit_price"
tax_rate = "tax_rate"
net_amount = "net"
tax_amount = "tax"
[payments]
erp_id = "payment"
account = "account"
received_on = "received"
currency = "currency"
amount = "amount"
updated_at = "updated_at"
[allocations]
payment = "payment"
invoice = "invoice"
amount = "amount"
"""
TABLES = {
    "accounts": ("account", "name", "currency", "updated_at"),
    "invoices": ("invoice", "account", "issued", "due", "currency", "net", "tax", "gross",
                 "updated_at"),
    "lines": ("invoice", "line_no", "sku", "description", "quantity", "unit_price", "tax_rate",
              "net", "tax"),
    "payments": ("payment", "account", "received", "currency", "amount", "updated_at"),
    "allocations": ("payment", "invoice", "amount"),
}  # fmt: skip


def generate(folder: Path, invoices: int, seed: int = 7) -> Path:
    """The ERP: a SQLite database and its export as CSV files (same rows)."""
    rng = random.Random(seed)
    accounts = max(10, invoices // 100)
    stamp = "2026-10-01 00:00:00"
    erp = sqlite3.connect(folder / "erp.db")
    for table, columns in TABLES.items():
        erp.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
    erp.execute("CREATE INDEX ix_invoices_updated ON invoices (updated_at)")
    erp.execute("CREATE INDEX ix_payments_updated ON payments (updated_at)")
    erp.execute("CREATE INDEX ix_lines_invoice ON lines (invoice)")
    erp.execute("CREATE INDEX ix_allocations_payment ON allocations (payment)")
    writers = {}
    handles = []
    for table, columns in TABLES.items():
        handle = (folder / f"{table}.csv").open("w", newline="")
        handles.append(handle)
        writers[table] = csv.writer(handle)
        writers[table].writerow(columns)

    def emit(table: str, rows: list[tuple]) -> None:
        writers[table].writerows(rows)
        placeholders = ", ".join("?" * len(TABLES[table]))
        erp.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)

    currencies = ["EUR", "USD", "GBP"]
    emit(
        "accounts",
        [(f"A{n:06d}", f"Customer {n}", currencies[n % 3], stamp) for n in range(accounts)],
    )
    start = date(2024, 10, 1)
    batch: dict[str, list[tuple]] = {t: [] for t in TABLES if t != "accounts"}
    for n in range(invoices):
        account = rng.randrange(accounts)
        currency = currencies[account % 3]
        issued = start + timedelta(days=rng.randrange(730))
        invoice = f"INV-{n:07d}"
        net_total = Decimal(0)
        for line_no in range(1, LINES_PER_INVOICE + 1):
            quantity = rng.randrange(1, 20)
            price = Decimal(rng.randrange(100, 100000)) * CENT
            net = price * quantity
            net_total += net
            batch["lines"].append(
                (invoice, line_no, f"SKU-{rng.randrange(500)}", "Goods", quantity, str(price),
                 "19", str(net), str((net * Decimal("0.19")).quantize(CENT)))
            )  # fmt: skip
        tax = (net_total * Decimal("0.19")).quantize(CENT)
        gross = net_total + tax
        batch["invoices"].append(
            (invoice, f"A{account:06d}", issued.isoformat(),
             (issued + timedelta(days=30)).isoformat(), currency, str(net_total), str(tax),
             str(gross), f"{issued.isoformat()} 18:00:00")
        )  # fmt: skip
        if n % 2 == 0:  # half the invoices are paid, in full, by a payment of their own
            payment = f"PAY-{n:07d}"
            batch["payments"].append(
                (payment, f"A{account:06d}", (issued + timedelta(days=20)).isoformat(), currency,
                 str(gross), f"{(issued + timedelta(days=20)).isoformat()} 18:00:00")
            )  # fmt: skip
            batch["allocations"].append((payment, invoice, str(gross)))
        if len(batch["invoices"]) >= 50_000:
            for table, rows in batch.items():
                emit(table, rows)
                rows.clear()
    for table, rows in batch.items():
        emit(table, rows)
    erp.commit()
    erp.close()
    for handle in handles:
        handle.close()
    (folder / "mapping.toml").write_text(MAPPING)
    (folder / "csv.toml").write_text(CSV_SOURCES)
    (folder / "sql.toml").write_text(SQL_SOURCES)
    return folder / "erp.db"


def change_invoices(erp_path: Path, changed: int, invoices: int) -> None:
    """Some invoices change in the ERP: a new total (one line re-priced) and a new change time."""
    later = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    step = max(1, invoices // changed)
    ids = [f"INV-{n:07d}" for n in range(1, invoices, step)][:changed]
    with sqlite3.connect(erp_path) as erp:
        erp.executemany(
            "UPDATE invoices SET gross = CAST(gross AS REAL) + 10, updated_at = ? "
            "WHERE invoice = ?",
            [(later, i) for i in ids],
        )
        erp.executemany(
            "UPDATE lines SET net = CAST(net AS REAL) + 10 WHERE invoice = ? AND line_no = 1",
            [(i,) for i in ids],
        )


def ardesk_database(kind: str, folder: Path, postgres) -> Database:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'ardesk.db'}"
    else:
        url, _ = postgres.create_database(f"bench_{int(time.time())}")
    settings = load_settings(
        {"ARDESK_ENV": "test", "ARDESK_SECRET_KEY": "x" * 40, "ARDESK_VAR_DIR": str(folder),
         "ARDESK_DATABASE_URL": url}
    )  # fmt: skip
    db = Database.connect(settings)
    upgrade(db.engine)
    return db


def counts(db: Database) -> str:
    with db.admin_session() as s:
        numbers = [
            s.scalar(select(func.count()).select_from(m)) for m in (Invoice, InvoiceLine, Payment)
        ]
    return "{:,} invoices, {:,} lines, {:,} payments".format(*numbers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    kinds = args.databases.split(",")
    postgres = None
    if "postgresql" in kinds:
        from tests.support.postgres import PostgresServer, find_bindir

        postgres = PostgresServer(find_bindir())
        postgres.start()
        postgres.create_roles()
    try:
        for kind in kinds:
            with tempfile.TemporaryDirectory(prefix="ardesk-bench-") as tmp:
                folder = Path(tmp)
                started = time.monotonic()
                erp = generate(folder, args.invoices)
                print(
                    f"[{kind}] generated the ERP and its CSV export in "
                    f"{time.monotonic() - started:.1f} s"
                )
                db = ardesk_database(kind, folder, postgres)
                report = run_sync(db, load_source(folder / "csv.toml", "bench"))
                rows = sum(report.inserted.values()) + report.inserted["payments"]  # + allocations
                print(
                    f"[{kind}] CSV import: {report.duration_s:.1f} s ({counts(db)}; "
                    f"{rows / report.duration_s:,.0f} rows/s)"
                )
                change_invoices(erp, args.changed, args.invoices)
                config = load_source(
                    folder / "sql.toml", "bench", environ={"BENCH_ERP_URL": f"sqlite:///{erp}"}
                )
                report = run_sync(db, config)
                print(
                    f"[{kind}] incremental sync of {report.updated['invoices']:,} changed "
                    f"invoices out of {args.invoices:,}: {report.duration_s:.2f} s"
                )
                db.dispose()
    finally:
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    main()
