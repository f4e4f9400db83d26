"""`ardesk demo`: a working ardesk in one command — schema, demo data and a few hundred requests
through the pipeline, the portal and the AR console, a customer link and an AR sign-in."""

from __future__ import annotations

import os
import threading
from datetime import date
from decimal import Decimal

import click
from sqlalchemy import func, select

from ardesk.runtime import Runtime, clean_errors, pass_runtime
from core import links
from core.db import Database
from core.errors import ArdeskError
from core.models import OPEN_STATUSES, Account, ARRole, Contact, Invoice, LinkScope

DEMO_ACCOUNTS, DEMO_INVOICES, DEMO_SEED = 40, 150, 7
DEMO_REQUESTS = 200
DEMO_ADMIN = "ar.admin@ardesk.demo"


def summary(db: Database) -> list[str]:
    with db.admin_session() as s:
        accounts = s.scalar(select(func.count()).select_from(Account))
        contacts = s.scalar(select(func.count()).select_from(Contact))
        invoices = s.scalar(select(func.count()).select_from(Invoice))
        open_balance = s.execute(
            select(Invoice.currency, func.sum(Invoice.balance))
            .where(Invoice.status.in_(OPEN_STATUSES))
            .group_by(Invoice.currency)
            .order_by(Invoice.currency)
        ).all()
    lines = [f"{accounts} accounts, {contacts} contacts, {invoices} invoices"]
    lines += [
        f"open balance {Decimal(amount):,.2f} {currency}" for currency, amount in open_balance
    ]
    return lines


def demo_contact(db: Database) -> Contact:
    """An AP contact of the account with the most open invoices: the richest portal to look at."""
    with db.admin_session() as s:
        busiest = s.scalar(
            select(Invoice.account_id)
            .where(Invoice.status.in_(OPEN_STATUSES))
            .group_by(Invoice.account_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        query = select(Contact).where(Contact.active.is_(True)).order_by(Contact.id)
        if busiest is not None:
            query = query.where(Contact.account_id == busiest)
        contact = s.scalar(query.where(Contact.role == "ap_contact").limit(1)) or s.scalar(
            query.limit(1)
        )
    if contact is None:
        raise ArdeskError("the database has no contacts to open a portal for")
    return contact


def demo_admin(db: Database) -> tuple[int, str | None]:
    """The demo's AR admin, created with a generated password (returned once, then None)."""
    from core import ar_users

    with db.admin_session() as s:
        existing = ar_users.find(s, DEMO_ADMIN)
        if existing is not None:
            return existing.id, None
        password = ar_users.generate_password()
        user = ar_users.add(s, DEMO_ADMIN, "Demo AR admin", ARRole.admin, password)
        return user.id, password


def seed_requests(db: Database, settings, admin_id: int) -> str:
    from bot.demo import outcome_line
    from bot.demo import seed_requests as seed

    return outcome_line(seed(db, settings, admin_id, count=DEMO_REQUESTS, seed=DEMO_SEED))


def chat_lines(db: Database) -> list[str]:
    """A contact known in Slack and in Teams, to try chat with (docs/chat.md)."""
    with db.admin_session() as s:
        contact = s.scalar(
            select(Contact)
            .where(Contact.slack_user_id.is_not(None), Contact.teams_user_id.is_not(None))
            .order_by(Contact.id)
            .limit(1)
        )
        if contact is None:
            return []
        return [
            f"In chat, {contact.name} <{contact.email}> of {contact.account.erp_id} is",
            f"  Slack user {contact.slack_user_id} of team {contact.slack_team_id}",
            f"  Teams user {contact.teams_user_id} of tenant {contact.teams_tenant_id}",
            "(`ardesk chat map list` shows which teams, channels and tenants are whose.)",
        ]


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Prepare and print the link, do not serve.")
@pass_runtime
@clean_errors
def demo(runtime: Runtime, host: str, port: int, no_serve: bool) -> None:
    """Create the database, load demo data and requests when it is empty, serve the portal and
    the AR console, print a customer link and an AR sign-in."""
    from core.demo.generate import DemoSpec
    from core.demo.load import holds_data, load_demo
    from core.migrate import upgrade

    settings = runtime.settings
    if settings.is_production:
        raise ArdeskError("`ardesk demo` is for development: ARDESK_ENV is production")
    if "ARDESK_BASE_URL" not in os.environ:  # links must point at the server this command starts
        settings = settings.replace(base_url=f"http://{host}:{port}")
    db = runtime.database
    upgrade(db.engine)
    fresh = not holds_data(db)
    if fresh:
        click.echo(f"loading demo data ({DEMO_ACCOUNTS} accounts × {DEMO_INVOICES} invoices) …")
        spec = DemoSpec(DEMO_ACCOUNTS, DEMO_INVOICES, DEMO_SEED, date.today())
        load_demo(db, spec)
    else:
        click.echo("demo data: the database already holds data, keeping it")
    admin_id, password = demo_admin(db)
    for line in summary(db):
        click.echo(line)
    contact = demo_contact(db)
    with db.admin_session() as s:
        person = s.get(Contact, contact.id)
        issued = links.issue(
            s,
            links.LinkSigner(settings.secret_key),
            settings.base_url,
            person,
            LinkScope.portal,
            ttl=settings.link_ttl,
            actor="demo",
        )
    hours = int(settings.link_ttl.total_seconds() // 3600)
    click.echo(f"\nThe portal of {contact.name} <{contact.email}>, valid for {hours} hours:")
    click.echo(f"  {issued.url}\n")
    for line in chat_lines(db):
        click.echo(line)
    click.echo(f"The AR console: {settings.base_url}/ar/sign-in")
    if password:
        click.echo(f"  {DEMO_ADMIN}  password {password}  (shown once)\n")
    else:
        reset = f"ardesk users reset-password {DEMO_ADMIN} --generate"
        click.echo(f"  {DEMO_ADMIN}  (password shown when it was created; `{reset}`)\n")
    if fresh and no_serve:
        click.echo(f"sending {DEMO_REQUESTS} demo requests through the pipeline …")
        click.echo(seed_requests(db, settings, admin_id))
    if no_serve:
        return
    if fresh:  # while the server starts and the browser opens: the link needs no wait for them
        click.echo(f"sending {DEMO_REQUESTS} demo requests through the pipeline meanwhile …")
        threading.Thread(
            target=lambda: click.echo(seed_requests(db, settings, admin_id)),
            name="demo-requests",
            daemon=True,
        ).start()
    from web import create_app
    from web.serving import serve_until_interrupted

    serve_until_interrupted(create_app(settings), host, port, click.echo)
