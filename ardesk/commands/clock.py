"""`ardesk clock`: run the periodic jobs (one active clock at a time)."""

from __future__ import annotations

import threading

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime
from core.heartbeats import beating
from core.metrics.exposition import serve as serve_metrics
from core.models import ProcessKind


@click.command()
@click.option("--list", "list_jobs", is_flag=True, help="Show the jobs and exit.")
@pass_runtime
@clean_errors
def clock(runtime: Runtime, list_jobs: bool) -> None:
    """Run the periodic jobs: link clean-up, retention, scheduled syncs."""
    from ardesk.clock import all_jobs, run_clock

    if list_jobs:
        for job in all_jobs(runtime.db, runtime.settings):
            click.echo(f"{job.name}\tevery {job.interval_seconds:g} s")
        return
    runtime.start_logging()
    stopping, leading = threading.Event(), threading.Event()
    with beating(runtime.db, ProcessKind.clock, leads=leading.is_set) as beat:
        beat.stop_on_signals(stopping.set)
        serve_metrics(runtime.settings, runtime.db)
        run_clock(runtime.db, runtime.settings, stopping, leading)
