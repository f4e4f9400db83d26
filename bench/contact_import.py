"""How long a contacts CSV of the largest size accepted (10,000 rows) takes to check and import,
on SQLite and PostgreSQL, through ``core.contact_import`` as the console and the command line
call it.

    .venv/bin/python bench/contact_import.py                 # both databases
    .venv/bin/python bench/contact_import.py --only sqlite --chat-share 0.5

The database holds 2,000 accounts with 2 contacts each. The file spreads 10,000 rows over those
accounts: a quarter are the existing contacts (updated: another name), the rest new; a share of
the rows (``--chat-share``, 0.2) carries a Slack identity, which costs a look-up per row. Timed:
the check alone (``apply=False``), the import (one transaction, an audit event per contact), and
the same file again (every row unchanged). PostgreSQL is a throwaway cluster from the Debian
binaries, as the tests use.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.console import postgres_settings, settings_for  # noqa: E402
from core.contact_import import MAX_ROWS, import_contacts  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Account, Contact  # noqa: E402

ACCOUNTS = 2_000


def _world(db: Database) -> None:
    with db.admin_session() as s:
        accounts = [Account(erp_id=f"C{n:05d}", name=f"Customer {n}", currency="EUR")
                    for n in range(ACCOUNTS)]  # fmt: skip
        s.add_all(accounts)
        s.flush()
        s.add_all(
            Contact(account_id=a.id, email=f"{who}@c{n}.example", name=who, role="ap_contact")
            for n, a in enumerate(accounts)
            for who in ("ap", "buyer")
        )


def _file(rows: int, chat_share: float) -> bytes:
    rng = random.Random(7)
    lines = ["account;email;name;role;language;slack_team_id;slack_user_id"]
    for row in range(rows):
        n = rng.randrange(ACCOUNTS)
        existing = row < rows // 4 and row < 2 * ACCOUNTS
        n = row // 2 if existing else n
        who = ("ap", "buyer")[row % 2] if existing else f"person{row}"
        chat = f"T{n:08d};U{row:08d}" if rng.random() < chat_share else ";"
        lines.append(f"C{n:05d};{who}@c{n}.example;Person {row};finance_approver;de;{chat}")
    return ("\n".join(lines) + "\n").encode()


def run(name: str, settings, chat_share: float) -> None:
    db = Database.connect(settings)
    upgrade(db.engine)
    _world(db)
    data = _file(MAX_ROWS, chat_share)
    for label, apply in (("check", False), ("import", True), ("same file again", True)):
        started = time.perf_counter()
        with db.admin_session() as s:
            report = import_contacts(s, data, actor="cli:bench", apply=apply)
        seconds = time.perf_counter() - started
        assert not report.errors, report.errors[:3]
        counts = ", ".join(f"{n:,} {o.value}" for o, n in report.outcomes.items())
        print(f"| {name} | {label} | {report.rows:,} ({counts}) | {seconds:.2f} |", flush=True)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--chat-share", type=float, default=0.2)
    args = parser.parse_args()
    print(f"{platform.node()}: Python {platform.python_version()}, chat share {args.chat_share}")
    print("| database | step | rows | seconds |\n| --- | --- | --- | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        if args.only in (None, "sqlite"):
            url = f"sqlite:///{directory / 'b.db'}"
            run("SQLite", settings_for(directory, url), args.chat_share)
        if args.only in (None, "postgresql"):
            with postgres_settings(directory) as settings:
                run("PostgreSQL", settings, args.chat_share)

if __name__ == "__main__":
    main()
