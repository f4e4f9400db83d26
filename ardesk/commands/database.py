"""`ardesk init`: create or upgrade the schema, idempotently."""

from __future__ import annotations

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime
from core.db import role_problems
from core.errors import ArdeskError
from core.migrate import current_revision, head_revision, upgrade


@click.command()
@pass_runtime
@clean_errors
def init(runtime: Runtime) -> None:
    """Create the database schema, or upgrade it to the latest revision."""
    db = runtime.database
    # The roles are checked before the schema is touched: a refused setup leaves it as it was.
    errors, warnings = role_problems(db)
    if errors:
        raise ArdeskError("; ".join(errors))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    before = current_revision(db.engine)
    upgrade(db.engine)
    head = head_revision()
    if before == head:
        click.echo(f"database already at revision {head}")
    else:
        click.echo(f"database upgraded from {before or 'empty'} to revision {head}")
