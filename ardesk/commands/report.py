"""`ardesk report deflection`: the dashboard's figures on the command line, read from the same
rollup (``core.deflection_rollup``), so both always agree."""

from __future__ import annotations

import click

from ardesk.runtime import clean_errors, pass_runtime, print_json, print_table
from core.deflection_report import as_json, tables
from core.deflection_rollup import for_settings


@click.group("report")
def report() -> None:
    """Reports for AR."""


@report.command("deflection")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default today).")
@click.option("--json", "as_json_output", is_flag=True)
@pass_runtime
@clean_errors
def deflection(runtime, since, until, as_json_output) -> None:
    """Requests, automatic answers, hand-offs and the deflection rate, as of the last refresh."""
    with runtime.db.admin_session() as session:
        figures = for_settings(
            session, runtime.settings, since.date(), until.date() if until else None
        )
    if as_json_output:
        print_json(as_json(figures))
        return
    click.echo(f"as of {figures.as_of:%Y-%m-%d %H:%M} UTC, {figures.since:%Y-%m-%d} to "
               f"{figures.until:%Y-%m-%d} (exclusive)")  # fmt: skip
    for table in tables(figures):
        click.echo(f"\n{table.title}")
        names = [name or " " for name in table.header]
        print_table([dict(zip(names, row, strict=True)) for row in table.rows], names)
    click.echo(f"\nestimated hours saved: {figures.hours_saved}")
