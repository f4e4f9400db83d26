"""`ardesk documents prefer`: the e-invoice format an account or one contact receives when they
ask for a copy without naming a format; `ardesk documents automation-inbox`: an address that gets
e-invoices attached instead of links (AR sets both; docs/documents.md)."""

from __future__ import annotations

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime
from core.directory import find_account, find_contact
from core.documents.formats import Format

NONE = "none"


@click.group()
def documents() -> None:
    """Document formats: the e-invoice format a customer prefers, automation inboxes."""


@documents.command("prefer")
@click.option("--account", "account_erp_id", required=True, metavar="ERP_ID")
@click.option("--email", help="Only this contact of the account (else the whole account).")
@click.option(
    "--format",
    "name",
    required=True,
    type=click.Choice([*(f.value for f in Format), NONE]),
    help=f"The format; {NONE!r} clears the preference (copies are sent as PDF links).",
)
@pass_runtime
@clean_errors
def prefer(runtime: Runtime, account_erp_id: str, email: str | None, name: str) -> None:
    """Set the e-invoice format copies are answered in when none is asked for."""
    value = None if name == NONE else name
    with runtime.db.admin_session() as s:
        account = find_account(s, account_erp_id)
        if email:
            contact = find_contact(s, email, account.erp_id)
            contact.preferred_format = value
            who = f"{contact.email} of {account.erp_id}"
        else:
            account.preferred_format = value
            who = account.erp_id
    click.echo(f"{who}: {value or 'no preferred format (PDF links)'}")


@documents.command("automation-inbox")
@click.option("--account", "account_erp_id", required=True, metavar="ERP_ID")
@click.option("--email", required=True, help="The contact's address.")
@click.option("--off", is_flag=True, help="A person reads it again: links, not attachments.")
@pass_runtime
@clean_errors
def automation_inbox(runtime: Runtime, account_erp_id: str, email: str, off: bool) -> None:
    """Mark a contact's address as an AP-automation inbox: e-invoices come attached."""
    with runtime.db.admin_session() as s:
        contact = find_contact(s, email, find_account(s, account_erp_id).erp_id)
        contact.automation_inbox = not off
        state = "a person's inbox (links)" if off else "an automation inbox (attachments)"
        click.echo(f"{contact.email} of {account_erp_id}: {state}")
