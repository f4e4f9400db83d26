"""`ardesk accounts …` and `ardesk contacts …`: who the customers are and who may ask."""

from __future__ import annotations

import getpass
from decimal import Decimal
from pathlib import Path

import click
from sqlalchemy import func, select

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json_array, print_table
from core import contact_import
from core.directory import add_contact, find_account, role_names
from core.models import LANGUAGES, OPEN_STATUSES, Account, Contact, Invoice


@click.group()
def accounts() -> None:
    """Customer accounts."""


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_runtime
@clean_errors
def list_accounts(runtime: Runtime, as_json: bool) -> None:
    """List accounts with their open balance per currency."""
    with runtime.db.admin_session() as s:
        balances: dict[int, list[dict]] = {}
        open_balance = s.execute(
            select(Invoice.account_id, Invoice.currency, func.sum(Invoice.balance))
            .where(Invoice.status.in_(OPEN_STATUSES))
            .group_by(Invoice.account_id, Invoice.currency)
            .order_by(Invoice.account_id, Invoice.currency)
        )
        for account_id, currency, amount in open_balance:
            balances.setdefault(account_id, []).append(
                {"currency": currency, "amount": Decimal(amount)}
            )
        contacts = dict(
            s.execute(select(Contact.account_id, func.count()).group_by(Contact.account_id)).all()
        )
        rows = [
            {
                "erp_id": a.erp_id,
                "source": a.source,
                "name": a.name,
                "currency": a.currency,
                "status": a.status,
                "email_domains": a.email_domains,
                "contacts": contacts.get(a.id, 0),
                "open_balance": balances.get(a.id, []),
            }
            for a in s.scalars(select(Account).order_by(Account.erp_id))
        ]
    if as_json:
        print_json_array(rows)
        return
    for row in rows:
        row["open_balance"] = ", ".join(
            f"{b['amount']:,.2f} {b['currency']}" for b in row["open_balance"]
        )
    print_table(rows, ["erp_id", "name", "currency", "status", "contacts", "open_balance"])


@click.group()
def contacts() -> None:
    """People at customers who may ask for their account's documents."""


def _contact_json(contact: Contact) -> dict:
    return {
        "email": contact.email,
        "name": contact.name,
        "account": contact.account.erp_id,
        "account_name": contact.account.name,
        "role": contact.role,
        "language": contact.language,
        "active": contact.active,
        # Chat identities as the bot matches them: Slack (team, user), Teams (tenant, object id).
        "slack_team_id": contact.slack_team_id,
        "slack_user_id": contact.slack_user_id,
        "teams_tenant_id": contact.teams_tenant_id,
        "teams_user_id": contact.teams_user_id,
    }


@contacts.command("list")
@click.option("--account", "account_erp_id", metavar="ERP_ID", help="Only this account.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_runtime
@clean_errors
def list_contacts(runtime: Runtime, account_erp_id: str | None, as_json: bool) -> None:
    """List contacts, with their account and role."""
    with runtime.db.admin_session() as s:
        query = select(Contact).join(Contact.account).order_by(Account.erp_id, Contact.email)
        if account_erp_id:
            query = query.where(Contact.account_id == find_account(s, account_erp_id).id)
        rows = [_contact_json(c) for c in s.scalars(query)]
    if as_json:
        print_json_array(rows)
    else:
        print_table(rows, ["email", "name", "account", "role", "language", "active"])


@contacts.command("add")
@click.option("--account", "account_erp_id", required=True, metavar="ERP_ID")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, help="ap_contact, finance_approver, account_manager, …")
@click.option("--language", type=click.Choice(LANGUAGES), help="Preferred language.")
@click.option(
    "--allow-forgotten",
    is_flag=True,
    help="Add an address forgotten on request again (the person asked to come back).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@clean_errors
def add(
    runtime: Runtime,
    account_erp_id: str,
    email: str,
    name: str,
    role: str,
    language: str | None,
    allow_forgotten: bool,
    as_json: bool,
) -> None:
    """Add a contact to an account."""
    with runtime.db.admin_session() as s:
        account = find_account(s, account_erp_id)
        contact = add_contact(
            s,
            account,
            email=email,
            name=name,
            role=role,
            language=language,
            allow_forgotten=allow_forgotten,
        )
        row = _contact_json(contact)
    if as_json:
        from ardesk.runtime import print_json

        print_json(row)
    else:
        click.echo(f"added {row['email']} to {row['account']} as {row['role']}")


@contacts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
@pass_runtime
@clean_errors
def import_contacts(runtime: Runtime, file: Path, dry_run: bool) -> None:
    """Add or update contacts from a CSV file (docs/console.md#importing-contacts).

    Every row is checked first: a file with any wrong row changes nothing, and each problem is
    printed as ROW, COLUMN: WHAT IS WRONG."""
    with file.open("rb") as handle:
        data = handle.read(contact_import.MAX_BYTES + 1)
    with runtime.db.admin_session() as s:
        report = contact_import.import_contacts(
            s, data, actor=f"cli:{getpass.getuser()}", apply=not dry_run
        )
    for error in report.errors:
        where = f"row {error.row}, {error.column}" if error.column else f"row {error.row}"
        click.echo(f"{where}: {error.english()} ({error.value!r})", err=True)
    counts = ", ".join(f"{count} {outcome.value}" for outcome, count in report.outcomes.items())
    if report.errors:
        raise click.ClickException(
            f"{len(report.errors)} problem(s) in {report.rows} row(s); nothing was imported"
        )
    click.echo(f"{report.rows} row(s): {counts}" + ("" if report.applied else " (dry run)"))


@click.command()
@pass_runtime
@clean_errors
def roles(runtime: Runtime) -> None:
    """List the roles contacts can have."""
    with runtime.db.admin_session() as s:
        for name in role_names(s):
            click.echo(name)
