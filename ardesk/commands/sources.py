"""`ardesk sources check [NAME]`: connect to a source, read a page of each record type, validate
the mapping and print what a sync would import; writes nothing."""

from __future__ import annotations

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json
from connectors.check import SourceCheck, check_source
from connectors.config import load_source, load_sources
from connectors.errors import SourceConfigError


@click.group("sources")
def sources() -> None:
    """The ERP sources of the sources file."""


@sources.command("check")
@click.argument("name", required=False)
@click.option(
    "--sources",
    "sources_file",
    metavar="FILE",
    help="The sources file (default: ARDESK_SOURCES_FILE).",
)
@click.option("--rows", default=20, show_default=True, help="Records to read of each type.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@pass_runtime
@clean_errors
def check(
    runtime: Runtime, name: str | None, sources_file: str | None, rows: int, as_json: bool
) -> None:
    """Check the source NAME (every source without NAME) and exit non-zero if one fails."""
    path = sources_file or runtime.settings.get("SOURCES_FILE")
    if not path:
        raise SourceConfigError("no sources file: pass --sources FILE or set ARDESK_SOURCES_FILE")
    configs = [load_source(path, name)] if name else list(load_sources(path).values())
    results = [check_source(config, rows=max(1, min(rows, 1000))) for config in configs]
    if as_json:
        print_json(results)
    else:
        for result in results:
            _print(result)
    if not all(result.ok for result in results):
        raise SystemExit(1)


def _print(result: SourceCheck) -> None:
    click.echo(f"{result.source} ({result.kind}): {'ok' if result.ok else 'needs attention'}")
    for record in result.records:
        click.echo(f"  {record.record}: {record.read} read, {len(record.rejected)} rejected")
        for sample in record.samples:
            click.echo(f"    would import {sample}")
        for rejection in record.rejected:
            click.echo(
                f"    rejected {rejection.record} {rejection.row}: "
                f"{rejection.field}: {rejection.reason}"
            )
    if result.original is not None:
        click.echo(f"  original of the first invoice: {result.original}")
    if result.error:
        click.echo(f"  failed: {result.error}")
