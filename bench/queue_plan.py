"""The hand-off queue on PostgreSQL with its LIMIT bound as a parameter (as before) and written
into the SQL (as now): the page's p50/p99 and the plan PostgreSQL runs once psycopg has
prepared the statement (its generic plan), on the data ``bench/console.py`` generates.

    .venv/bin/python bench/queue_plan.py --messages 200000 --requests 200

psycopg prepares a statement after its fifth execution; PostgreSQL then plans it without the
parameters' values. For ``LIMIT $1`` it assumes a tenth of the rows are wanted, and prefers
walking every message in ``(received_at, id)`` order, probing each for an open hand-off, to
sorting the few open ones. Written into the SQL, the limit is known to every plan.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import console as bench  # bench/console.py: the settings, data and timing

from core.db import Database
from core.migrate import upgrade
from web.console import handoffs


def explain(db: Database, settings) -> list[str]:
    from sqlalchemy import event

    seen: list[tuple[str, dict]] = []

    def grab(_conn, _cursor, statement, params, _context, _many):
        if "JOIN handoffs" in statement:
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", grab)
    with db.admin_session() as session:
        handoffs.queue(session, settings)
    event.remove(db.engine, "before_cursor_execute", grab)
    statement, params = seen[0]
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    for number, name in enumerate(names, 1):
        statement = statement.replace(f"%({name})s", f"${number}")
    values = ", ".join(str(params[name]) for name in names)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute("SET plan_cache_mode = force_generic_plan")
        raw.execute(f"PREPARE queue AS {statement}")
        run = f"EXECUTE queue({values})" if values else "EXECUTE queue"
        lines = [row[0] for row in raw.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {run}")]
        raw.rollback()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bench.postgres_settings(Path(tmp)) as settings:
        db = Database.connect(settings)
        upgrade(db.engine)
        seconds = bench.generate(db, args.messages)
        print(f"{args.messages:,} messages generated in {seconds:.1f} s")
        written = handoffs._written
        for label, limit in (("bound", lambda n: n), ("written", written)):
            handoffs._written = limit
            print(f"\n-- generic plan, LIMIT {label}:")
            print("\n".join(explain(db, settings)))
        db.dispose()
        app, client = bench.console_client(settings)
        print("\n| LIMIT | requests | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |")
        for label, limit in (("bound", lambda n: n), ("written", written)) * 2:
            handoffs._written = limit
            figures = bench.measure(client, "/ar/queue", args.requests)
            print(f"| {label} | {figures['requests']} | {figures['p50']:.1f} | "
                  f"{figures['p99']:.1f} |", flush=True)  # fmt: skip
        handoffs._written = written
        app.extensions["ardesk.db"].dispose()


if __name__ == "__main__":
    main()
