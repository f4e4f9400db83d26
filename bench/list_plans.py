"""Why the invoice list is planned with its values on PostgreSQL (``web.planning``): each of its
pages timed with plans made for the values and with generic plans, for the largest and the
smallest account.

    .venv/bin/python bench/list_plans.py                    # 200,000 invoices, 100,000 on one
    .venv/bin/python bench/list_plans.py --invoices 50000 --largest 25000

A throwaway PostgreSQL cluster gets ``ardesk demo-data`` (as ``bench/portal.py`` loads it) and
its statistics; then every combination of status, sort, direction, search and amount filter,
with and without a page cursor, is read ten times per mode (after six reads, so the statements
are prepared and the server has settled on its plan), as the portal reads it: ``listing.page``
in a request's scope, on the row-level-security role. The range of the cases ``web.planning``
plans generically (the whole list's first pages) is printed, then the slowest cases under
generic plans beside their custom-plan times.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import portal  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.models import Invoice  # noqa: E402
from tests.support.postgres import throwaway_database  # noqa: E402
from web.planning import Planning, planning_for  # noqa: E402
from web.portal.listing import InvoiceFilters, encode_cursor, page  # noqa: E402

MODES = ("force_custom_plan", "force_generic_plan")
CURSOR_VALUES = {
    "issued": date(2026, 6, 1),
    "due": date(2026, 6, 1),
    "number": "INV-05",
    "amount": Decimal("300"),
}


def timed(db: Database, account: int, filters: InvoiceFilters, after: str | None, mode: str):
    """Milliseconds per page of the list, its statements planned under ``mode`` (psycopg
    prepares a statement on its sixth run; the server then plans it as ``mode`` says)."""
    with db.request_scope(account) as scope:
        scope.connection.exec_driver_sql(f"SET LOCAL plan_cache_mode = {mode}")
        for _ in range(6):
            page(scope.connection, account, filters, [], after=after)
        started = time.perf_counter()
        for _ in range(10):
            page(scope.connection, account, filters, [], after=after)
        return (time.perf_counter() - started) * 100


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--largest", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=101)
    args = parser.parse_args()
    with throwaway_database("ardesk_plans") as (url, portal_url):
        env = portal.loaded(url, portal_url, args)
        db = Database.connect(load_settings(env, read_dotenv=False))
        with db.admin_session() as s:
            sizes = s.execute(
                select(Invoice.account_id, func.count())
                .group_by(Invoice.account_id)
                .order_by(func.count().desc())
            ).all()
        accounts = {"largest": sizes[0], "smallest": sizes[-1]}
        print(", ".join(f"{k} account: {n:,} invoices" for k, (_, n) in accounts.items()))
        results = []
        combinations = itertools.product(
            ("all", "open", "paid"), ("issued", "due", "number", "amount"), (True, False),
            ("", "INV-00"), (None, Decimal(500)), (False, True),
        )  # fmt: skip
        for status, sort, descending, search, least, with_cursor in combinations:
            filters = InvoiceFilters(
                status=status, sort=sort, descending=descending, search=search, amount_min=least
            )
            after = encode_cursor(CURSOR_VALUES[sort], 10**12) if with_cursor else None
            args = MultiDict({**filters.as_args(), **({"after": after} if after else {})})
            generic_asked = planning_for("portal.invoices", args) is Planning.generic
            for name, (account, _) in accounts.items():
                custom, generic = (timed(db, account, filters, after, mode) for mode in MODES)
                results.append(
                    (generic - custom, custom, generic, name, filters, with_cursor, generic_asked)
                )
        db.dispose()
    results.sort(key=lambda r: r[0], reverse=True)
    custom_total = sum(r[1] for r in results)
    generic_total = sum(r[2] for r in results)
    print(f"{len(results)} cases, ms per page: custom plans {custom_total:.0f} in all, "
          f"generic plans {generic_total:.0f}")  # fmt: skip
    asked = [r for r in results if r[-1]]
    print(
        f"the {len(asked)} cases web.planning plans generically (the whole list's first pages): "
        f"custom {min(r[1] for r in asked):.2f}–{max(r[1] for r in asked):.2f} ms, "
        f"generic {min(r[2] for r in asked):.2f}–{max(r[2] for r in asked):.2f} ms"
    )
    print("slowest under generic plans (ms per page):")
    for _, custom, generic, name, f, with_cursor, _ in results[:12]:
        shape = f"{f.status}, by {f.sort} {'desc' if f.descending else 'asc'}"
        shape += ", search" if f.search else ""
        shape += ", amount from" if f.amount_min is not None else ""
        shape += ", a later page" if with_cursor else ""
        print(f"  {name:8} {shape:45} custom {custom:7.2f}   generic {generic:7.2f}")


if __name__ == "__main__":
    main()
