"""The `ardesk` command: the one place that wires every package together."""

from __future__ import annotations

import click

from ardesk.commands.bot import handle_eml, smtpd, worker
from ardesk.commands.chat import chat, slack, teams
from ardesk.commands.clock import clock
from ardesk.commands.corrections import corrections
from ardesk.commands.database import init
from ardesk.commands.demo import demo_data
from ardesk.commands.demo_run import demo
from ardesk.commands.directory import accounts, contacts, roles
from ardesk.commands.documents import documents
from ardesk.commands.intents import classify, intents_group
from ardesk.commands.invoices import invoices
from ardesk.commands.links import link
from ardesk.commands.personal_data import export_data, forget
from ardesk.commands.report import report
from ardesk.commands.retention import retention
from ardesk.commands.settings import settings_group
from ardesk.commands.sources import sources
from ardesk.commands.status import status
from ardesk.commands.sync import sync
from ardesk.commands.users import users
from ardesk.commands.web import web
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
    demo_data,
    web,
    users,
    report,
    corrections,
    sync,
    sources,
    retention,
    status,
    classify,
):
    main.add_command(command)
contacts.add_command(export_data)
contacts.add_command(forget)
main.add_command(intents_group, "intents")
main.add_command(settings_group, "settings")
