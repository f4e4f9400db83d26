"""`ardesk status`: is the installation healthy? Processes from their heartbeats, the outbox, the
hand-off queue, the last sync of each source and mail intake; exits 1 with one line per problem,
so a monitoring check or a deploy script can run it as it is."""

from __future__ import annotations

from datetime import datetime

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json, print_table
from core.status import Backlog, Status, gather


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@pass_runtime
@clean_errors
def status(runtime: Runtime, as_json: bool) -> None:
    """Health of every process, the outbox, hand-offs, syncs and intake; exit 1 if unhealthy."""
    report = gather(runtime.db, runtime.settings)
    if as_json:
        print_json({"healthy": report.healthy, "status": report})
    else:
        _print(report)
    if not report.healthy:
        raise click.exceptions.Exit(1)


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    seconds = int((now - moment).total_seconds())
    ago = (
        f"{seconds} s" if seconds < 120 else
        f"{seconds // 60} min" if seconds < 7200 else
        f"{seconds // 3600} h"
    )  # fmt: skip
    return f"{moment:%Y-%m-%d %H:%M:%S} ({ago} ago)"


def _backlog(backlog: Backlog, now: datetime) -> str:
    if not backlog.depth:
        return "0"
    return f"{backlog.depth}, the oldest from {_when(backlog.oldest_at, now)}"


def _print(report: Status) -> None:
    now = report.checked_at
    click.echo("processes")
    rows = [
        {
            "kind": p.kind, "host": p.host, "pid": p.pid, "state": p.state,
            "health": p.liveness, "leads": {True: "yes", False: "no"}.get(p.leads, ""),
            "started": _when(p.started_at, now), "last beat": _when(p.beat_at, now),
        }
        for p in report.processes
    ]  # fmt: skip
    print_table(rows, ["kind", "host", "pid", "state", "health", "leads", "started", "last beat"])
    outbox = report.outbox
    click.echo("")
    click.echo(f"outbox     pending {_backlog(outbox.pending, now)}")
    click.echo(f"           due {_backlog(outbox.due, now)}; sending {outbox.sending}")
    click.echo(f"hand-offs  open {_backlog(report.handoffs, now)}")
    for sync in report.syncs:
        error = f": {sync.error}" if sync.error else ""
        click.echo(f"sync       {sync.source} {sync.status} {_when(sync.started_at, now)}{error}")
    intake = report.intake
    if intake.imap_configured:
        failure = (
            f"; last failure {_when(intake.imap_failed_at, now)}: {intake.imap_failure}"
            if intake.imap_failed_at
            else ""
        )
        click.echo(f"IMAP       last fetch {_when(intake.imap_fetched_at, now)}{failure}")
    if intake.smtp_errors:
        click.echo(
            f"SMTP       {intake.smtp_errors} errors, the last {_when(intake.smtp_error_at, now)}"
        )
    click.echo("")
    if report.healthy:
        click.echo("healthy")
    for problem in report.problems:
        click.echo(f"PROBLEM {problem}")
