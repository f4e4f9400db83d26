"""A worker serving its metrics (``ARDESK_METRICS_PORT``) counts the request it decided — in its
decision process, a child — by channel, intent, action and verification, times each pipeline
step, and reports the outbox the database holds."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from core.models import InboundMessage, InboundStatus
from tests.bot.test_worker_faults import _store
from tests.support.cli import cli_env
from tests.support.metrics import fetch, samples, total, value
from tests.support.tls import free_port


def _wait(predicate, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_a_worker_counts_what_it_decided(world, tmp_path):
    message_id = _store(world, None, 1)
    port = free_port()
    env = {
        **os.environ,
        **cli_env(world.settings),
        "ARDESK_SMTP_URL": "smtp://127.0.0.1:9",  # nothing listens: the reply waits
        "ARDESK_METRICS_PORT": str(port),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "ardesk", "worker", "--no-intake"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/metrics"
    try:

        def decided_and_tried() -> dict | None:
            status, text = fetch(url)
            scraped = samples(text) if status == 200 else {}
            done = total(scraped, "ardesk_requests_total") and total(
                scraped, "ardesk_outbox_deliveries_total"
            )
            return scraped if done else None

        scraped = _wait(decided_and_tried)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    with world.admin_session() as s:
        row = s.get(InboundMessage, message_id)
        decision, status = row.decision, row.status
    assert status is InboundStatus.answered
    labels = {
        "channel": "email",
        "intent": decision["understanding"]["intents"][0],
        "action": decision["action"],
        "verification": decision["sender"]["status"],
    }
    assert value(scraped, "ardesk_requests_total", **labels) == 1
    assert total(scraped, "ardesk_requests_total") == 1
    for step in ("header_guards", "identify", "understand", "resolve", "render"):
        assert value(scraped, "ardesk_pipeline_step_seconds_count", step=step) == 1, step
    # The reply could not leave (nothing listens): retried, and waiting in the outbox.
    assert value(scraped, "ardesk_outbox_deliveries_total", result="retried") >= 1
    assert value(scraped, "ardesk_outbox_depth") >= 1
    assert value(scraped, "ardesk_database_scrape_ok") == 1
