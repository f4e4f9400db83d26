"""`ardesk demo-data`: load realistic, deterministic demo data, up to millions of invoices."""

from __future__ import annotations

from datetime import date, datetime

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ardesk.runtime import Runtime, clean_errors, pass_runtime
from core.bulkload import BulkLoadError
from core.demo.generate import DemoSpec
from core.demo.load import DemoDataError, LoadResult, load_demo
from core.errors import ArdeskError


@click.command("demo-data")
@click.option(
    "--accounts",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Customer accounts.",
)
@click.option(
    "--invoices-per-account",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Invoices (credit notes included) of each account.",
)
@click.option(
    "--largest-account",
    type=click.IntRange(min=0),
    default=None,
    help="Invoices of the first account instead, as a large customer would have.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="The same seed and as-of date give the same data.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Day the data is relative to: two years of invoices up to it. [default: today]",
)
@click.option(
    "--append", is_flag=True, help="Add to a database that already holds data (otherwise refused)."
)
@pass_runtime
@clean_errors
def demo_data(
    runtime: Runtime,
    accounts: int,
    invoices_per_account: int,
    largest_account: int | None,
    seed: int,
    as_of: datetime | None,
    append: bool,
) -> None:
    """Generate demo customers, contacts, invoices, lines and payments, and load them.

    Invoices span the two years before --as-of (today unless given), so data generated on
    another day differs unless --as-of is the same. The database is migrated first. Never
    in production (ARDESK_ENV=production).
    """
    if runtime.settings.is_production:
        raise ArdeskError("demo data is never loaded with ARDESK_ENV=production")
    spec = DemoSpec(
        accounts=accounts,
        invoices_per_account=invoices_per_account,
        largest_account=largest_account,
        seed=seed,
        as_of=as_of.date() if as_of else date.today(),
    )
    db = runtime.database
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("invoices"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    task = progress.add_task("loading demo data", total=spec.invoice_count)
    try:
        with progress:
            result = load_demo(
                db,
                spec,
                append=append,
                on_invoices=lambda count: progress.advance(task, count),
                on_stage=lambda stage: progress.update(task, description=stage),
            )
    except (DemoDataError, BulkLoadError) as exc:
        raise ArdeskError(str(exc)) from None
    click.echo(summary(result))


def summary(result: LoadResult) -> str:
    rows = result.rows
    return (
        f"loaded into {result.dialect}: {rows.get('accounts', 0):,} accounts, "
        f"{rows.get('contacts', 0):,} contacts, {rows.get('invoices', 0):,} invoices "
        f"({rows.get('invoice_lines', 0):,} lines), {rows.get('payments', 0):,} payments "
        f"({rows.get('payment_allocations', 0):,} allocations) as of "
        f"{result.spec.as_of.isoformat()}, seed {result.spec.seed}, in {result.seconds:.1f} s "
        f"({result.rows_per_second:,.0f} rows/s)"
    )
