"""`ardesk retention run`: remove message text older than ``ARDESK_RETENTION_DAYS``."""

from __future__ import annotations

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json
from core import retention as policy


@click.group()
def retention() -> None:
    """Message text kept no longer than the retention policy."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be redacted; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_runtime
@clean_errors
def run(runtime: Runtime, dry_run: bool, as_json: bool) -> None:
    """Redact message text older than ARDESK_RETENTION_DAYS (the clock runs this daily)."""
    report = policy.run(runtime.db, days=runtime.settings.retention_days, dry_run=dry_run)
    if as_json:
        print_json(report.as_dict())
        return
    verb = "would redact" if dry_run else "redacted"
    counts = report.as_dict()["redacted"]
    click.echo(f"text older than {report.cutoff:%Y-%m-%d %H:%M} UTC")
    if not report.redacted.total():
        click.echo("nothing to redact: every older message is already redacted")
    else:
        for kind, count in counts.items():
            click.echo(f"{verb:>13} {count:>8}  {kind.replace('_', ' ')}")
    if report.kept_open:
        click.echo(f"kept {report.kept_open} older requests still open in the hand-off queue")
