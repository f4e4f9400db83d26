"""`ardesk settings show`: every setting's effective value and where it comes from."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json, print_table
from core import setting_overrides
from core.config import Settings
from core.errors import ArdeskError


def effective(settings: Settings, overrides: dict[str, str]) -> list[dict[str, str]]:
    """One row per setting: its variable, its value (secrets only as set or unset) and source:
    ``console`` when an admin changed it there, else ``environment``, ``.env`` or ``default``."""
    sources = setting_overrides.base_sources(settings)
    in_effect = setting_overrides.apply(settings, overrides)
    rows = []
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        value = getattr(in_effect, name)
        shown = ("set" if value else "unset") if extra.get("secret") else None
        rows.append(
            {
                "setting": setting_overrides.variable(name),
                "value": shown or setting_overrides.as_text(value),
                "source": "console" if name in overrides else sources[name],
            }
        )
    return rows


def _overrides(runtime: Runtime) -> dict[str, str]:
    """The console's overrides; raises ArdeskError saying why they could not be read."""
    url = make_url(runtime.settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise ArdeskError(f"no database at {url.database}")
    try:
        return setting_overrides.read_from(runtime.db.portal_engine)
    except SQLAlchemyError as error:
        raise ArdeskError(f"the database is not reachable ({type(error).__name__})") from None


@click.group("settings")
def settings_group() -> None:
    """What ardesk is configured with."""


@settings_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_runtime
@clean_errors
def show(runtime: Runtime, as_json: bool) -> None:
    """Print each setting's effective value and whether it comes from the AR console, the
    environment, .env or the default; secrets show only whether they are set."""
    try:
        overrides = _overrides(runtime)
    except ArdeskError as error:
        click.echo(f"console settings not shown: {error}", err=True)
        overrides = {}
    rows = effective(runtime.settings, overrides)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["setting", "value", "source"])
