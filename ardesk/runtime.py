"""What every command needs: settings, the database, JSON output and clean errors."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from core import metrics
from core.config import ConfigError, Settings, load_settings
from core.db import Database
from core.errors import ArdeskError
from core.plain import plain
from mailers.brand import load_brand


class Runtime:
    """Settings and database, made on first use so `--help` needs neither."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._db: Database | None = None
        self._checked = False

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            settings = load_settings()
            load_brand(settings)  # read at start: a bad brand file (a mistyped IBAN) stops here
            metrics.configure(settings)
            self._settings = settings
        return self._settings

    @property
    def database(self) -> Database:
        """The database as it is, migrated or not (for `ardesk init`)."""
        if self._db is None:
            self._db = Database.connect(self.settings)
        return self._db

    @property
    def db(self) -> Database:
        """The database, refusing a schema that is missing or behind the code."""
        if not self._checked:
            from core.migrate import current_revision, head_revision, is_known

            current, head = current_revision(self.database.engine), head_revision()
            if current is None:
                raise ArdeskError("the database has no schema yet: run `ardesk init`")
            log = logging.getLogger("ardesk")
            if current != head and is_known(current):
                raise ArdeskError(
                    f"the database schema is at revision {current}, this version needs {head}: "
                    "run `ardesk init`"
                )
            if current != head:
                # Migrations only add (expand) until no running version needs what they would
                # remove: during an upgrade the previous version runs on the new schema.
                log.warning(
                    "database schema at revision %s, newer than this version's %s: running on "
                    "it (an upgrade in progress); this process does not migrate",
                    current,
                    head,
                )
            else:
                log.info(
                    "database schema at revision %s; this process does not migrate "
                    "(ardesk init does)",
                    current,
                )
            self._checked = True
        return self.database

    def start_logging(self) -> None:
        """A long-running process's logs on stderr (``ARDESK_LOG_FORMAT``, ``_LOG_LEVEL``)."""
        from core.logs import configure_from

        configure_from(self.settings)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


pass_runtime = click.make_pass_decorator(Runtime, ensure=True)


def _describe_database_error(exc: OperationalError) -> str:
    # The driver's first line names host and port (never the password) or the SQLite file.
    lines = str(exc.orig or exc).strip().splitlines()
    return f"cannot use the database: {lines[0] if lines else 'unknown error'}"


def clean_errors(command: Callable) -> Callable:
    """Turn errors a user can act on into one line on stderr and exit status 1, no traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (ArdeskError, ConfigError) as exc:
            raise click.ClickException(str(exc)) from None
        except OperationalError as exc:
            raise click.ClickException(_describe_database_error(exc)) from None

    return wrapper


def print_json_array(rows: Iterable[dict]) -> None:
    """One JSON array, streamed so a hundred thousand rows need no list in memory."""
    out = sys.stdout
    out.write("[")
    empty = True
    for row in rows:
        out.write("\n " if empty else ",\n ")
        out.write(json.dumps(plain(row), ensure_ascii=False))
        empty = False
    out.write("]\n" if empty else "\n]\n")


def print_json(value: Any) -> None:
    click.echo(json.dumps(plain(value), ensure_ascii=False, indent=2))


def print_table(rows: list[dict], columns: list[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    cells = [[str(plain(row.get(c, "")) or "") for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
