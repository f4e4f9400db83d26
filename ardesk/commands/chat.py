"""`ardesk slack` (Socket Mode), `ardesk teams`, `ardesk chat map …`: chat's processes and its
mappings."""

from __future__ import annotations

import getpass
import threading

import click
from sqlalchemy import select

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json_array, print_table
from core import audit
from core.chat_identities import PLACE_FORMATS, bind_place
from core.directory import find_account
from core.errors import InvalidInput
from core.heartbeats import beating
from core.metrics.exposition import serve as serve_metrics
from core.models import Account, ChatMapping, ChatPlace, ProcessKind

TEAMS_SHUTDOWN = 10.0  # seconds `ardesk teams` gives activities in hand when asked to stop


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@click.command()
@pass_runtime
@clean_errors
def slack(runtime: Runtime) -> None:
    """Receive Slack events over Socket Mode (no public URL needed); the worker answers."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.channels.slack.events import slack_app

    settings = runtime.settings
    if not settings.slack_app_token:
        raise InvalidInput("ARDESK_SLACK_APP_TOKEN is not set (an xapp-… app-level token)")
    runtime.start_logging()
    handler = SocketModeHandler(slack_app(runtime.db, settings), settings.slack_app_token)
    stop = threading.Event()
    with beating(runtime.db, ProcessKind.slack) as beat:
        beat.stop_on_signals(stop.set)
        serve_metrics(settings, runtime.db)
        handler.connect()
        stop.wait()
        # Closing waits for the events in hand to be stored; one stored after the socket went is
        # not acknowledged, so Slack sends it again and the inbox's dedupe key drops the copy.
        handler.close()


@click.command()
@pass_runtime
@clean_errors
def teams(runtime: Runtime) -> None:
    """Receive Teams activities at /api/messages (ARDESK_TEAMS_LISTEN); the worker answers."""
    from aiohttp import web

    from bot.channels.teams.app import teams_app

    settings = runtime.settings
    host, _, port = settings.teams_listen.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInput(f"ARDESK_TEAMS_LISTEN must be host:port, not {settings.teams_listen!r}")
    runtime.start_logging()
    try:
        app = teams_app(runtime.db, settings)
    except LookupError as error:
        raise InvalidInput(str(error)) from None
    with beating(runtime.db, ProcessKind.teams) as beat:

        async def stopping(_app: web.Application) -> None:
            beat.stopping()

        app.on_shutdown.append(stopping)
        serve_metrics(settings, runtime.db)
        # aiohttp handles SIGTERM: it stops listening and gives the activities in hand (each is
        # acknowledged only once stored) up to TEAMS_SHUTDOWN seconds before it returns.
        web.run_app(
            app, host=host, port=int(port), print=None, access_log=None,
            shutdown_timeout=TEAMS_SHUTDOWN,
        )  # fmt: skip


@click.group("chat")
def chat() -> None:
    """Slack and Teams."""


@chat.group("map")
def chat_map() -> None:
    """Bind a Slack team, a shared Slack channel or a Teams tenant to one account."""


@chat_map.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_runtime
@clean_errors
def list_mappings(runtime: Runtime, as_json: bool) -> None:
    """List the mappings."""
    with runtime.db.admin_session() as s:
        rows = [
            {"place": m.place.value, "id": m.external_id, "account": erp_id, "name": name}
            for m, erp_id, name in s.execute(
                select(ChatMapping, Account.erp_id, Account.name)
                .join(Account, Account.id == ChatMapping.account_id)
                .order_by(ChatMapping.place, ChatMapping.external_id)
            )
        ]
    if as_json:
        print_json_array(rows)
    else:
        print_table(rows, ["place", "id", "account", "name"])


PLACES = click.Choice([p.value for p in ChatPlace])


@chat_map.command("add")
@click.argument("place", type=PLACES)
@click.argument("external_id")
@click.option("--account", "account_erp_id", required=True, metavar="ERP_ID")
@pass_runtime
@clean_errors
def add_mapping(runtime: Runtime, place: str, external_id: str, account_erp_id: str) -> None:
    """Bind PLACE (slack_team, slack_channel, teams_tenant) EXTERNAL_ID to an account."""
    with runtime.db.admin_session() as s:
        account = find_account(s, account_erp_id)
        mapping = bind_place(s, account, ChatPlace(place), external_id)
        audit.record(
            s,
            "chat_mapping_added",
            actor=_actor(),
            account_id=account.id,
            target=mapping.external_id,
            place=place,
        )
    click.echo(f"mapped {place} {external_id} to {account_erp_id}")


@chat_map.command("remove")
@click.argument("place", type=PLACES)
@click.argument("external_id")
@pass_runtime
@clean_errors
def remove_mapping(runtime: Runtime, place: str, external_id: str) -> None:
    """Remove the mapping of PLACE EXTERNAL_ID."""
    with runtime.db.admin_session() as s:
        # As typed, or in the form it is stored in (Slack ids in capitals, GUIDs in lower case).
        typed = {external_id, PLACE_FORMATS[ChatPlace(place)].case(external_id.strip())}
        mapping = s.scalar(
            select(ChatMapping).where(
                ChatMapping.place == ChatPlace(place), ChatMapping.external_id.in_(typed)
            )
        )
        if mapping is None:
            raise InvalidInput(f"{place} {external_id} is not mapped")
        audit.record(
            s,
            "chat_mapping_removed",
            actor=_actor(),
            account_id=mapping.account_id,
            target=external_id,
            place=place,
        )
        s.delete(mapping)
    click.echo(f"removed {place} {external_id}")
