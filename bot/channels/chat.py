"""What every chat channel shares: who the chat user is, and answers laid out for chat.

Identity: the pair (workspace, user) stored on a contact, else the address the platform vouches
for matched to active contacts (the pair is then stored). Mappings narrow the result: a user whose
workspace is bound to an account is only ever a contact of that account, and in a channel bound
to an account only that account answers. Where the workspace is unknown, nobody is identified.

Layout: the same translated sections email is built from (``mailers.content``), so chat and
email say the same thing with the same links; each platform only turns them into its widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from bot.channels import OutboxEntry
from bot.context import Context, SenderStatus
from bot.identify import account_for_domain, contact_ref
from core.answers import Reply
from core.directory import contacts_by_email
from core.errors import InvalidInput
from core.models import ChatMapping, ChatPlace, Contact
from mailers import load_brand
from mailers.blocks import Action, ItemList, Paragraph, Section, Table
from mailers.content import answer_sections
from mailers.i18n import localizer


@dataclass(frozen=True)
class Directory:
    """Where a platform's identity is kept on a contact, and which mappings bind it."""

    workspace: InstrumentedAttribute
    user: InstrumentedAttribute
    workspace_place: ChatPlace
    channel_place: ChatPlace | None  # None: the platform has no account-bound channels


def _mapped(session, place: ChatPlace | None, external_id: str | None) -> int | None:
    if place is None or not external_id:
        return None
    return session.scalar(
        select(ChatMapping.account_id).where(
            ChatMapping.place == place, ChatMapping.external_id == external_id
        )
    )


def identify_chat(ctx: Context, directory: Directory, lookup_email: Callable[[], str | None]):
    chat = ctx.inbound.chat
    assert chat is not None
    ctx.status = SenderStatus.unknown
    if not chat.workspace or not chat.user:
        ctx.verification = "the user's team could not be established: no data, help only"
        return
    with ctx.db.admin_session() as session:
        team_account = _mapped(session, directory.workspace_place, chat.workspace)
        channel_account = (
            _mapped(session, directory.channel_place, chat.conversation)
            if chat.kind != "direct"
            else None
        )
        contacts = list(
            session.scalars(
                select(Contact).where(
                    directory.workspace == chat.workspace,
                    directory.user == chat.user,
                    Contact.active.is_(True),
                )
            )
        )
        how = "chat identity on file"
        address = None
        taken = False
        if not contacts:
            address = lookup_email()
            how = "address from the chat profile matched to a contact"
            try:
                contacts = contacts_by_email(session, address) if address else []
            except InvalidInput:
                contacts = []
            # A contact whose chat identity is on file is that identity, and no other user's:
            # anyone can show the contact's address in a profile of another workspace or tenant.
            unbound = [c for c in contacts if getattr(c, directory.user.key) is None]
            taken = len(unbound) < len(contacts)
            contacts = unbound
        matched = bool(contacts)
        for bound in (team_account, channel_account):
            if bound is not None:
                contacts = [c for c in contacts if c.account_id == bound]
        for contact in contacts if not ctx.dry_run else ():  # remembered: no look-up next time
            setattr(contact, directory.workspace.key, chat.workspace)
            setattr(contact, directory.user.key, chat.user)
        ctx.contacts = tuple(contact_ref(session, c) for c in contacts)
        if ctx.contacts:
            ctx.status = SenderStatus.verified
            ctx.verification = how
            return
        why = "no address from the chat profile"
        if taken and not matched:
            why = "the profile's address belongs to a contact with another chat identity on file"
        elif matched:
            why = "a contact only of accounts this place is not bound to"
        elif address:
            # The rule email follows for a stranger: AR hears only of one at a customer's domain.
            domain = address.rpartition("@")[2].lower()
            account_id = account_for_domain(session, domain)
            allowed = {a for a in (team_account, channel_account) if a is not None}
            if not account_id:
                why = "address at no customer's domain"
            elif allowed and allowed != {account_id}:
                why = "address at a customer's domain, but this place is bound to another account"
            else:
                ctx.domain_account = (account_id, domain)
                why = "address at a customer's domain: told how to get access, AR asked"
    if ctx.domain_account is None:
        why += ": help only, AR not asked"
    ctx.verification = f"no active contact for this chat user here; {why}"


def reply_sections(ctx: Context, reply: Reply) -> list[Section]:
    """The reply's answers as translated sections, headed by the account they are about."""
    l10n = localizer(reply.language)
    bank = load_brand(ctx.settings).bank
    sections = [s for answer in reply.answers for s in answer_sections(answer, l10n, bank)]
    if reply.account_name:
        sections.insert(0, Section(None, (Paragraph(f"*{reply.account_name}*"),)))
    return sections


HELP = (
    "I answer questions about invoices for contacts on file with us: try "
    "`/invoices 10423 10431` for copies, `/invoices statement last quarter`, "
    "`/invoices balance`, or just write to me. If you should have access, ask your "
    "accounts-receivable contact to add you."
)


def plain_text(sections: list[Section]) -> str:
    """Sections as plain text with every URL written out: the notification and record text."""
    lines: list[str] = []
    for section in sections:
        if section.heading:
            lines.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, ItemList):
                for item in block.items:
                    lines.append(" — ".join((item.title, *item.details)))
                    if item.url:
                        lines.append(item.url)
            elif isinstance(block, Table):
                lines.append(block.caption)
                lines += [f"{label}: {value}" for label, value in block.rows]
            elif isinstance(block, Action):
                lines.append(f"{block.label}: {block.url}")
        lines.append("")
    return "\n".join(lines).strip()


def chat_entry(
    channel: str, recipient: str, text: str, payload: bytes, *, kind, account_id, account, language
) -> OutboxEntry:
    """The outbox row of a chat reply: the same fields for every chat channel, no subject."""
    return OutboxEntry(
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject="",
        text=text,
        payload=payload,
        account_id=account_id,
        account=account,
        language=language,
    )
