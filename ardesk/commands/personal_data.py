"""`ardesk contacts export-data` and `ardesk contacts forget`: a person's data, by address."""

from __future__ import annotations

import getpass

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime, print_json
from core.audit import record
from core.forget import forget as erase
from core.models import utcnow
from core.personal_data import export, select_person


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@click.command("export-data")
@click.option("--email", required=True, help="The person's address.")
@click.option("--account", "account_erp_id", metavar="ERP_ID", help="Only within this account.")
@click.option("--json", "as_json", is_flag=True, help="Print the export (JSON is the only form).")
@pass_runtime
@clean_errors
def export_data(runtime: Runtime, email: str, account_erp_id: str | None, as_json: bool) -> None:
    """Everything ardesk holds about a person, as one JSON document."""
    with runtime.db.admin_session() as s:
        person = select_person(s, email, account_erp_id)
        data = export(s, person, utcnow())
        for contact in person.contacts:
            record(
                s,
                "contact.export",
                actor=_actor(),
                account_id=contact.account_id,
                contact_id=contact.id,
                target=f"contact:{contact.id}",
            )
        document = data.as_dict()
    print_json(document)


@click.command("forget")
@click.option("--email", required=True, help="The person's address.")
@click.option("--account", "account_erp_id", metavar="ERP_ID", help="Only within this account.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_runtime
@clean_errors
def forget(
    runtime: Runtime, email: str, account_erp_id: str | None, yes: bool, as_json: bool
) -> None:
    """Erase a person: redact their messages, pseudonymise their contact rows, revoke their
    links, end their sessions and keep the address from coming back."""
    with runtime.db.admin_session() as s:
        person = select_person(s, email, account_erp_id)
        where = f" in account {account_erp_id}" if account_erp_id else " in every account"
        if not yes:
            click.confirm(
                f"Forget {person.address}{where} ({len(person.contacts)} contact rows)? "
                "This cannot be undone",
                abort=True,
                err=True,
            )
        report = erase(s, person, actor=_actor(), now=utcnow())
    if as_json:
        print_json(report.as_dict())
        return
    click.echo(
        f"forgotten{where}: {report.contacts} contacts pseudonymised, {report.messages} messages "
        f"and {report.replies} replies redacted ({report.dropped} unanswered dropped, "
        f"{report.cancelled} undelivered cancelled), {report.links_revoked} links revoked, "
        f"{report.sessions_ended} sessions ended; the address is "
        + ("now suppressed" if report.newly_suppressed else "already suppressed")
    )
