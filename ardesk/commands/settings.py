"""`ardesk settings show`: every setting's effective value and where it comes from."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json, print_table
from core.config import PREFIX, Settings


def _without_password(text: str) -> str:
    """A URL as it may be shown: a password in it (``smtp://user:pass@host``) becomes ``***``."""
    parts = urlsplit(text)
    if parts.password is None:
        return text
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _shown(value: Any) -> str:
    if value is None or value == ():
        return ""
    if isinstance(value, str) and "://" in value:
        return _without_password(value)
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds())}s"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def effective(settings: Settings) -> list[dict[str, str]]:
    """One row per setting: its variable, its value (secrets only as set or unset) and source."""
    dotenv: dict[str, str | None] = {}
    if settings.is_development and os.path.exists(".env"):
        from dotenv import dotenv_values

        dotenv = dict(dotenv_values(".env"))
    rows = []
    for name, field in Settings.model_fields.items():
        variable = PREFIX + name.upper()
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        value = getattr(settings, name)
        shown = ("set" if value else "unset") if extra.get("secret") else _shown(value)
        if variable in os.environ:
            source = "environment"
        elif variable in dotenv and variable != "ARDESK_ENV":
            source = ".env"
        else:
            source = "default"
        rows.append({"setting": variable, "value": shown, "source": source})
    return rows


@click.group("settings")
def settings_group() -> None:
    """What ardesk is configured with."""


@settings_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_runtime
@clean_errors
def show(runtime: Runtime, as_json: bool) -> None:
    """Print each setting's effective value and whether it comes from the environment, .env or
    the default; secrets show only whether they are set."""
    rows = effective(runtime.settings)
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["setting", "value", "source"])
