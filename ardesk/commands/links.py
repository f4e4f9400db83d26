"""`ardesk link issue|list|revoke`: what AR does by hand, e.g. when a customer's mailbox is
compromised (revoke every link of the contact or the whole account at once)."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy import select

from ardesk.runtime import (
    clean_errors,
    pass_runtime,
    print_json,
    print_json_array,
    print_table,
)
from core import links
from core.config import parse_duration
from core.directory import find_account, find_contact
from core.errors import InvalidInput, NotFound
from core.models import AccessLink, Contact, Invoice, LinkScope


@click.group("link")
def link() -> None:
    """Signed access links."""


def _actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@link.command("issue")
@click.option("--contact", "email", required=True, metavar="EMAIL")
@click.option("--account", "account_erp_id", metavar="ERP_ID", help="When EMAIL is on several.")
@click.option("--invoice", "numbers", multiple=True, metavar="NUMBER", help="Repeatable.")
@click.option("--statement", is_flag=True, help="Open items as of today, or --from/--to.")
@click.option("--portal", is_flag=True, help="The contact's whole portal.")
@click.option("--from", "period_from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "period_to", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--ttl", default=None, help="Lifetime, e.g. 30m, 48h, 7d (default ARDESK_LINK_TTL).")
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@clean_errors
def issue(
    runtime, email, account_erp_id, numbers, statement, portal, period_from, period_to, ttl, as_json
) -> None:
    """Issue a link for a contact: to invoices, a statement, or the whole portal."""
    chosen = [bool(numbers), statement, portal]
    if sum(chosen) != 1:
        raise InvalidInput("choose exactly one of --invoice, --statement, --portal")
    lifetime = parse_duration(ttl) if ttl else runtime.settings.link_ttl
    settings = runtime.settings
    with runtime.db.admin_session() as session:
        contact = find_contact(session, email, account_erp_id)
        if numbers:
            found = session.scalars(
                select(Invoice).where(
                    Invoice.account_id == contact.account_id, Invoice.number.in_(numbers)
                )
            ).all()
            missing = sorted(set(numbers) - {i.number for i in found})
            if missing:
                raise NotFound(f"not on account {contact.account.erp_id}: {', '.join(missing)}")
            scope = LinkScope.invoice
            targets = {"invoice_ids": [i.id for i in found], "numbers": [i.number for i in found]}
        elif statement:
            scope = LinkScope.statement
            if period_from and period_to:
                targets = {
                    "from": period_from.date().isoformat(),
                    "to": period_to.date().isoformat(),
                }
            elif period_from or period_to:
                raise InvalidInput("--from and --to go together")
            else:
                targets = {"as_of": date.today().isoformat()}
        else:
            scope, targets = LinkScope.portal, {}
        issued = links.issue(
            session,
            links.LinkSigner(settings.secret_key),
            settings.base_url,
            contact,
            scope,
            ttl=lifetime,
            targets=targets,
            actor=_actor(),
        )
    result = {
        "url": issued.url,
        "expires_at": issued.expires_at,
        "id": issued.id,
        "scope": scope.value,
    }
    if as_json:
        print_json(result)
    else:
        click.echo(f"{issued.url}\nexpires {issued.expires_at.isoformat()}")


@link.command("list")
@click.option("--contact", "email", metavar="EMAIL")
@click.option("--account", "account_erp_id", metavar="ERP_ID")
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@clean_errors
def list_links(runtime, email, account_erp_id, as_json) -> None:
    """List the active links of a contact or an account."""
    if not email and not account_erp_id:
        raise InvalidInput("give --contact EMAIL or --account ERP_ID")
    with runtime.db.admin_session() as session:
        active = _active_links(session, email, account_erp_id)
        emails = dict(
            session.execute(
                select(Contact.id, Contact.email).where(
                    Contact.id.in_({item.contact_id for item in active})
                )
            ).all()
        )
        rows = [_row(item, emails) for item in active]
    if as_json:
        print_json_array(rows)
    else:
        print_table(rows, ["id", "contact", "scope", "expires_at", "uses"])


def _active_links(session, email: str | None, account_erp_id: str | None) -> list[AccessLink]:
    """A contact's active links (``--account`` picks among shared addresses), else an account's."""
    if email:
        return links.active_links(
            session, contact_id=find_contact(session, email, account_erp_id).id
        )
    return links.active_links(session, account_id=find_account(session, account_erp_id).id)


def _row(item: AccessLink, emails: dict[int, str]) -> dict:
    return {
        "id": item.id,
        "contact": emails.get(item.contact_id),
        "scope": item.scope,
        "targets": item.targets,
        "created_at": item.created_at,
        "expires_at": item.expires_at,
        "uses": item.uses,
        "max_uses": item.max_uses,
    }


@link.command("revoke")
@click.option("--id", "link_id", metavar="ID")
@click.option("--contact", "email", metavar="EMAIL")
@click.option("--account", "account_erp_id", metavar="ERP_ID")
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@clean_errors
def revoke(runtime, link_id, email, account_erp_id, as_json) -> None:
    """Revoke one link, every link of a contact, or every link of an account."""
    if sum(bool(x) for x in (link_id, email)) != 1 and not (account_erp_id and not link_id):
        raise InvalidInput(
            "give exactly one of --id, --contact (with --account if shared), --account"
        )
    with runtime.db.admin_session() as session:
        if link_id:
            item = session.get(AccessLink, link_id)
            if item is None:
                raise NotFound(f"no link {link_id}")
            targets = [item]
        else:
            targets = _active_links(session, email, account_erp_id)
        count = links.revoke(session, targets, by=_actor())
    if as_json:
        print_json({"revoked": count})
    else:
        click.echo(f"revoked {count} link(s)")
