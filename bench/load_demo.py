"""How fast demo data loads: 1,000,000 invoices with their lines and payments.

    .venv/bin/python bench/load_demo.py            # generation alone, SQLite, PostgreSQL
    .venv/bin/python bench/load_demo.py --only sqlite
    .venv/bin/python bench/load_demo.py --postgres-url postgresql://ardesk:…@host/db

SQLite goes to a fresh file in a temporary directory. PostgreSQL goes to ``--postgres-url`` (an
empty database, the privileged role) or else to a throwaway cluster started from the Debian
server binaries, as the test suite does (fsync off: it measures the loader, not the disk).
Each run is the whole ``ardesk demo-data`` path: migration, generation, load, indexes.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import load_settings
from core.db import Database
from core.demo.generate import DemoSpec, generate
from core.demo.load import LoadResult, load_demo

AS_OF = date(2026, 11, 25)


def settings_for(url: str, var_dir: str):
    return load_settings(
        {"ARDESK_ENV": "development", "ARDESK_SECRET_KEY": "bench-" + "x" * 40,
         "ARDESK_VAR_DIR": var_dir, "ARDESK_DATABASE_URL": url},
        read_dotenv=False,
    )


def run(url: str, spec: DemoSpec, var_dir: str) -> LoadResult:
    db = Database.connect(settings_for(url, var_dir))
    try:
        return load_demo(db, spec)
    finally:
        db.dispose()


def generation_alone(spec: DemoSpec) -> None:
    """The generator without a database: the part the child process does during a load."""
    started = time.perf_counter()
    rows = sum(batch.row_count for batch in generate(spec, "sqlite"))
    seconds = time.perf_counter() - started
    print(f"\ngeneration alone: {rows:,} rows in {seconds:.1f} s, {rows / seconds:,.0f} rows/s")


def report(result: LoadResult) -> None:
    print(f"\n{result.dialect}: {result.spec.invoice_count:,} invoices in {result.seconds:.1f} s"
          f" — {result.total_rows:,} rows, {result.rows_per_second:,.0f} rows/s"
          f" ({result.spec.invoice_count / result.seconds:,.0f} invoices/s)")
    for table, count in result.rows.items():
        print(f"  {table:<20} {count:>12,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("generation", "sqlite", "postgresql"))
    parser.add_argument("--postgres-url")
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--invoices-per-account", type=int, default=900)
    parser.add_argument("--largest-account", type=int, default=100_900)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    spec = DemoSpec(accounts=args.accounts, invoices_per_account=args.invoices_per_account,
                    largest_account=args.largest_account, seed=args.seed, as_of=AS_OF)
    print(f"{platform.platform()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores; {spec.invoice_count:,} invoices, {spec.accounts:,} accounts")

    if args.only in (None, "generation"):
        generation_alone(spec)
    with tempfile.TemporaryDirectory(prefix="ardesk-bench-") as scratch:
        if args.only in (None, "sqlite"):
            report(run(f"sqlite:///{scratch}/demo.db", spec, scratch))
        if args.only in (None, "postgresql"):
            if args.postgres_url:
                report(run(args.postgres_url, spec, scratch))
            else:
                from tests.support.postgres import PostgresServer, find_bindir

                bindir = find_bindir()
                if bindir is None:
                    sys.exit("PostgreSQL is not installed: apt-get install postgresql")
                server = PostgresServer(bindir)
                server.start()
                try:
                    server.create_roles()
                    url, _portal = server.create_database("ardesk_bench")
                    report(run(url, spec, scratch))
                finally:
                    server.stop()


if __name__ == "__main__":
    main()
