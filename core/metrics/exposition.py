"""Serving the metrics: what one scrape returns, and the small HTTP server of the processes
that are not the web (``ARDESK_METRICS_PORT``).

Two modes, as prometheus_client has them. A process alone (``ardesk web`` in development, the
tests) serves its own instruments. Under gunicorn, and in every process serving on
``ARDESK_METRICS_PORT``, prometheus_client's multiprocess mode is on: each process writes its
counts to files in ``PROMETHEUS_MULTIPROC_DIR`` and a scrape adds them up, so gunicorn's workers
count as one web, and a worker's decisions (made in its child process) count as the worker's.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator

from core import metrics
from core.config import Settings
from core.db import Database

log = logging.getLogger(__name__)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


class _Own:
    """This process's instruments, for a process that is alone."""

    def collect(self) -> Iterator:
        yield from metrics.instruments().collect()


def registry(db: Database | None):
    """What a scrape returns: the counts (this process's, or every process's in the directory)
    and, with ``db``, the figures read from the database."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    from core.metrics.database import DatabaseCollector

    collected = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(collected)
    else:
        collected.register(_Own())  # type: ignore[arg-type]
    if db is not None:
        collected.register(DatabaseCollector(db))  # type: ignore[arg-type]
    metrics.instruments()  # every series exists (at zero) from the start, in every mode
    return collected


def exposition(collected) -> tuple[bytes, str]:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(collected), CONTENT_TYPE_LATEST


def use_own_directory() -> None:
    """Turn multiprocess mode on with a directory of this process's own (removed at exit),
    unless the environment names one. Must run before prometheus_client is first imported:
    the library chooses its mode then, and the children this process starts inherit it."""
    if multiprocess():
        os.makedirs(os.environ[MULTIPROCESS_DIR], exist_ok=True)
        return
    directory = tempfile.mkdtemp(prefix="ardesk-metrics-")
    os.environ[MULTIPROCESS_DIR] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


def serve(settings: Settings, db: Database) -> None:
    """Serve this process's metrics on ``ARDESK_METRICS_ADDRESS:ARDESK_METRICS_PORT`` from a
    background thread, if that port is set (and metrics are on)."""
    if not (settings.metrics and settings.metrics_port):
        return
    import sys

    if "prometheus_client" in sys.modules and not multiprocess():
        # Too late to count the decision child's work here: say so rather than under-report.
        log.warning("metrics: prometheus_client was loaded early; child processes not counted")
    else:
        use_own_directory()
    from prometheus_client import start_http_server

    start_http_server(settings.metrics_port, settings.metrics_address, registry=registry(db))
    log.info("metrics on http://%s:%s/metrics", settings.metrics_address, settings.metrics_port)
