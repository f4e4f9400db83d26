"""`ardesk sync NAME`: bring one ERP source's changes into ardesk and print the report."""

from __future__ import annotations

import sys

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json
from connectors.config import load_source
from connectors.errors import SourceConfigError
from connectors.sync.engine import run_sync
from connectors.sync.progress import terminal_progress


@click.command("sync")
@click.argument("name")
@click.option(
    "--sources",
    "sources_file",
    metavar="FILE",
    help="The sources file (default: ARDESK_SOURCES_FILE).",
)
@click.option("--full", is_flag=True, help="Read everything, not only changes since the last run.")
@click.option("--dry-run", is_flag=True, help="Print the report without writing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_runtime
@clean_errors
def sync(
    runtime: Runtime, name: str, sources_file: str | None, full: bool, dry_run: bool, as_json: bool
) -> None:
    """Sync the source NAME declared in the sources file."""
    path = sources_file or runtime.settings.sources_file
    if not path:
        raise SourceConfigError("no sources file: pass --sources FILE or set ARDESK_SOURCES_FILE")
    config = load_source(path, name)
    db = runtime.db
    with terminal_progress(name, enabled=sys.stderr.isatty() and not as_json) as progress:
        report = run_sync(db, config, full=full, dry_run=dry_run, progress=progress)
    if as_json:
        print_json(report.as_dict())
        return
    click.echo(report.summary())
    for rejection in report.rejected:
        click.echo(
            f"  rejected {rejection.record} {rejection.row}: {rejection.field}: {rejection.reason}"
        )
    if report.rejected_count > len(report.rejected):
        click.echo(f"  … and {report.rejected_count - len(report.rejected)} more")
