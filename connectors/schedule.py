"""Scheduled syncs for `ardesk clock`: one job per source that declares an ``interval``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from connectors.config import load_sources
from connectors.errors import SourceError
from connectors.sync.engine import SyncAlreadyRunning, run_sync
from core.db import Database

log = logging.getLogger(__name__)


def jobs(sources_file: str | Path, db: Database) -> list[tuple[str, int, Callable[[], None]]]:
    """``(name, interval in seconds, run)`` for each source with an interval.

    A run logs its counts (never row contents); a failing source is logged and stored as a failed
    sync run, and the clock simply tries again at the next interval.
    """
    scheduled = []
    for name, config in load_sources(sources_file).items():
        if config.interval is None:
            continue

        def run(config=config) -> None:
            try:
                report = run_sync(db, config)
            except SyncAlreadyRunning:
                # The previous run (or one started by hand) is still going: the next tick will do.
                log.info("scheduled sync of %s skipped: it is still running", config.name)
                return
            except SourceError as exc:
                log.error("scheduled sync of %s failed: %s", config.name, exc)
                return
            log.info("%s", report.summary())

        scheduled.append((f"sync:{name}", int(config.interval.total_seconds()), run))
    return scheduled
