"""Whether ``POST /login`` takes the same time for a contact's address as for a stranger's.

    .venv/bin/python bench/login_timing.py [--requests 400]

A fresh SQLite database with one account and one contact; the portal app answers ``--requests``
POSTs for the known address and as many for an unknown one, interleaved, through Flask's test
client (no network: only the app's own work is timed). Prints the median and p90 of each and
their ratio; a ratio near 1.00 means the page says nothing by its timing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.config import load_settings  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Account, Contact  # noqa: E402
from web import create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {
                "ARDESK_ENV": "test",
                "ARDESK_SECRET_KEY": "b" * 48,
                "ARDESK_VAR_DIR": tmp,
                "ARDESK_FROM_ADDRESS": "ar@supplier.example",
            }
        )
        db = Database.connect(settings)
        upgrade(db.engine)
        with db.admin_session() as s:
            account = Account(erp_id="A1", name="Alice Manufacturing", currency="EUR")
            s.add(account)
            s.flush()
            s.add(
                Contact(
                    account_id=account.id, email="ap@alice.example", name="Ann", role="ap_contact"
                )
            )
        app = create_app(settings)
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(args.requests):
            for kind, address in (("known", "ap@alice.example"), ("unknown", f"x{i}@else.example")):
                start = time.perf_counter()
                response = client.post("/login", data={"email": address, "csrf_token": token})
                times[kind].append(time.perf_counter() - start)
                assert response.status_code == 200
        for kind, values in times.items():
            values.sort()
            print(
                f"{kind:8} median {statistics.median(values) * 1000:6.2f} ms   "
                f"p90 {values[int(len(values) * 0.9)] * 1000:6.2f} ms"
            )
        ratio = statistics.median(times["known"]) / statistics.median(times["unknown"])
        print(f"known / unknown median: {ratio:.2f}")
        db.dispose()


if __name__ == "__main__":
    main()
