"""Under gunicorn each worker process counts its own requests; ``/metrics`` adds them up, so two
workers report as one web — and a scraper without the token gets nothing."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from core.models import LinkScope
from tests.support.cli import cli_env
from tests.support.gunicorn import gunicorn
from tests.support.metrics import fetch, samples, value
from tests.support.tls import free_port
from tests.web.conftest import issue_link

TOKEN = "metrics-scrape-token-0123456789"
LANDED = {"blueprint": "landing", "status": "200"}


def per_process(directory: Path, scratch: Path) -> dict[str, float]:
    """Landing pages served, as each process's own counter file holds them."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        alone = scratch / path.stem
        alone.mkdir(parents=True)
        shutil.copy(path, alone)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))
        scraped = samples(generate_latest(registry).decode())
        counts[path.stem] = value(scraped, "ardesk_http_requests_total", **LANDED)
    return counts


def test_two_workers_count_as_one_web(app, world, tmp_path):
    settings = app.extensions["ardesk.settings"]
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    port, directory = free_port(), tmp_path / "metrics"
    environ = {
        **cli_env(settings),
        "ARDESK_FROM_ADDRESS": "ar@supplier.example",
        "ARDESK_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
    }
    directory.mkdir()
    (directory / "counter_1.db").write_bytes(b"left by an earlier run")
    base = f"http://127.0.0.1:{port}"
    with gunicorn(environ, port, "--workers", "2"):
        assert not (directory / "counter_1.db").exists()  # cleaned at start
        sent = 0
        with ThreadPoolExecutor(6) as pool:
            # Until both workers have served some (concurrent requests spread over them).
            while sent < 600:
                statuses = list(pool.map(lambda _: fetch(f"{base}/l/{link.token}")[0], range(30)))
                assert statuses == [200] * 30
                sent += 30
                served = per_process(directory, tmp_path / f"scratch{sent}")
                if len(served) == 2 and all(served.values()):
                    break
        assert len(served) == 2 and all(served.values()), served
        status, text = fetch(f"{base}/metrics", TOKEN)
        assert status == 200
        scraped = samples(text)
        assert value(scraped, "ardesk_http_requests_total", **LANDED) == sent
        assert sum(served.values()) == sent
        assert value(scraped, "ardesk_database_scrape_ok") == 1
        assert fetch(f"{base}/metrics")[0] == 401
        assert fetch(f"{base}/metrics", "not-the-token")[0] == 401
