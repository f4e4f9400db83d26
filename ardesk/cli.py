"""The `ardesk` command: the one place that wires every package together."""

from __future__ import annotations

import click

from ardesk.commands.bot import handle_eml, smtpd, worker
from ardesk.commands.chat import chat, slack, teams
from ardesk.commands.clock import clock
from ardesk.commands.database import init
from ardesk.commands.demo_run import demo
from ardesk.commands.directory import accounts, contacts, roles
from ardesk.commands.documents import documents
from ardesk.commands.invoices import invoices
from ardesk.commands.links import link
from ardesk.runtime import Runtime


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ardesk")
@click.pass_context
def main(ctx: click.Context) -> None:
    """ardesk: invoice self-service for accounts-receivable teams."""
    runtime = ctx.ensure_object(Runtime)
    ctx.call_on_close(runtime.close)


for command in (
    init,
    accounts,
    contacts,
    roles,
    documents,
    invoices,
    link,
    handle_eml,
    worker,
    smtpd,
    clock,
    demo,
    chat,
    slack,
    teams,
):
    main.add_command(command)


def _optional(module: str, *names: str | tuple[str, str]) -> None:
    """Commands of packages built alongside; absent ones simply do not appear."""
    import importlib

    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return
    for entry in names:
        attribute, name = entry if isinstance(entry, tuple) else (entry, None)
        command = getattr(loaded, attribute, None)
        if command is not None:
            main.add_command(command, name)


_optional("ardesk.commands.demo", "demo_data")
_optional("ardesk.commands.web", "web")
_optional("ardesk.commands.users", "users")
_optional("ardesk.commands.report", "report")
_optional("ardesk.commands.corrections", "corrections")
_optional("ardesk.commands.sync", "sync")
_optional("ardesk.commands.sources", "sources")
_optional("ardesk.commands.intents", "classify", ("intents_group", "intents"))
_optional("ardesk.commands.settings", ("settings_group", "settings"))
