"""Contacts' chat identities and the chat places bound to accounts, as AR enters them.

Each id is checked in the form its platform gives it — Slack's team (``T…``, or ``E…`` for an
Enterprise Grid organisation), user (``U…``, ``W…``) and channel (``C…``, ``G…``) ids; Teams'
tenant and Entra ID object ids, which are GUIDs — so a typo is refused instead of being bound to
nobody. A binding that would hand one party's data to another is refused:

* an identity already held by a contact with another address: the bot matches a known identity
  before any address (``bot.channels.chat.identify_chat``), so that person would be answered as
  both. The same person at several accounts (one address) may share it, as the bot itself does;
* an identity in a workspace bound to another account: the bot would never answer it there;
* a place bound already, or a workspace whose users include other accounts' contacts.

The callers audit each change (the console as ``ar:<email>``, the command line as ``cli:<user>``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.deflection import chunks
from core.errors import InvalidInput
from core.models import Account, ChatMapping, ChatPlace, Contact

SLACK_TEAM = re.compile(r"[TE][A-Z0-9]{2,31}")
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,63}")
SLACK_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,63}")
CHUNK = 400  # pairs per IN (…): well under every database's parameter limit
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ChatProblem(enum.StrEnum):
    not_slack_team = "not_slack_team"
    not_slack_user = "not_slack_user"
    not_slack_channel = "not_slack_channel"
    not_teams_tenant = "not_teams_tenant"
    not_teams_user = "not_teams_user"
    half_identity = "half_identity"  # a workspace without a user, or a user without one
    identity_taken = "identity_taken"  # a contact with another address holds it
    workspace_elsewhere = "workspace_elsewhere"  # the workspace is bound to another account
    place_taken = "place_taken"  # bound already (places are unique)
    workspace_in_use = "workspace_in_use"  # other accounts' contacts have identities in it


ENGLISH = {
    ChatProblem.not_slack_team: "not a Slack team id (T… or E…, capitals and digits)",
    ChatProblem.not_slack_user: "not a Slack user id (U… or W…, capitals and digits)",
    ChatProblem.not_slack_channel: "not a Slack channel id (C… or G…, capitals and digits)",
    ChatProblem.not_teams_tenant: "not a Teams tenant id (a GUID)",
    ChatProblem.not_teams_user: "not an Entra ID object id (a GUID)",
    ChatProblem.half_identity: "a chat identity needs both its workspace and its user",
    ChatProblem.identity_taken: "belongs to a contact with another address (account {detail})",
    ChatProblem.workspace_elsewhere: "this workspace is bound to another account ({detail})",
    ChatProblem.place_taken: "mapped already, to {detail}; remove it first",
    ChatProblem.workspace_in_use: "contacts of other accounts ({detail}) have identities there",
}


class ChatRefused(InvalidInput):
    """A refused identity or place: ``field`` names the contact column (or the place) at fault,
    ``detail`` what it clashes with (another account's ERP id)."""

    def __init__(self, problem: ChatProblem, field: str, value: str, detail: str = "") -> None:
        self.problem, self.field, self.value, self.detail = problem, field, value, detail
        super().__init__(f"{field} {value!r}: {ENGLISH[problem].format(detail=detail)}")


@dataclass(frozen=True)
class IdFormat:
    pattern: re.Pattern[str]
    case: Callable[[str], str]  # Slack ids are capitals; GUIDs are compared in lower case
    problem: ChatProblem

    def checked(self, field: str, value: str) -> str:
        value = self.case((value or "").strip())
        if not self.pattern.fullmatch(value):
            raise ChatRefused(self.problem, field, value[:80])
        return value


PLACE_FORMATS = {
    ChatPlace.slack_team: IdFormat(SLACK_TEAM, str.upper, ChatProblem.not_slack_team),
    ChatPlace.slack_channel: IdFormat(SLACK_CHANNEL, str.upper, ChatProblem.not_slack_channel),
    ChatPlace.teams_tenant: IdFormat(GUID, str.lower, ChatProblem.not_teams_tenant),
}


@dataclass(frozen=True)
class Platform:
    """Where a platform's identity is kept on a contact, and the place that binds its
    workspaces to an account."""

    name: str
    workspace: InstrumentedAttribute
    user: InstrumentedAttribute
    place: ChatPlace
    user_format: IdFormat

    @property
    def fields(self) -> tuple[str, str]:
        return self.workspace.key, self.user.key

    def held(self, contact: Contact) -> tuple[str, str] | None:
        workspace, user = getattr(contact, self.workspace.key), getattr(contact, self.user.key)
        return (workspace, user) if workspace and user else None

    def parse(self, workspace: str | None, user: str | None) -> tuple[str, str] | None:
        """The (workspace, user) pair in its stored form; None when both are empty."""
        workspace, user = (workspace or "").strip(), (user or "").strip()
        if not workspace and not user:
            return None
        if not workspace or not user:
            missing = self.workspace.key if not workspace else self.user.key
            raise ChatRefused(ChatProblem.half_identity, missing, workspace or user)
        return (
            PLACE_FORMATS[self.place].checked(self.workspace.key, workspace),
            self.user_format.checked(self.user.key, user),
        )


SLACK = Platform("slack", Contact.slack_team_id, Contact.slack_user_id, ChatPlace.slack_team,
                 IdFormat(SLACK_USER, str.upper, ChatProblem.not_slack_user))  # fmt: skip
TEAMS = Platform("teams", Contact.teams_tenant_id, Contact.teams_user_id, ChatPlace.teams_tenant,
                 IdFormat(GUID, str.lower, ChatProblem.not_teams_user))  # fmt: skip
PLATFORMS = {platform.name: platform for platform in (SLACK, TEAMS)}


@dataclass(frozen=True)
class Wanted:
    """An identity wanted for the contact with ``email`` at ``account_id``."""

    pair: tuple[str, str]
    email: str
    account_id: int


def identity_conflicts(
    session: Session, platform: Platform, wanted: Sequence[Wanted]
) -> list[ChatRefused | None]:
    """Why each identity may not be its contact's (None: it may), in two queries a chunk."""
    holders: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for chunk in chunks(sorted({w.pair for w in wanted}), CHUNK):
        found = session.execute(
            select(platform.workspace, platform.user, Contact.email, Account.erp_id)
            .join(Account, Account.id == Contact.account_id)
            .where(tuple_(platform.workspace, platform.user).in_(chunk))
            .order_by(Account.erp_id)
        )
        for workspace, user, email, erp_id in found:
            holders.setdefault((workspace, user), []).append((email, erp_id))
    bound: dict[str, tuple[int, str]] = {}
    for chunk in chunks(sorted({w.pair[0] for w in wanted}), CHUNK):
        found = session.execute(
            select(ChatMapping.external_id, ChatMapping.account_id, Account.erp_id)
            .join(Account, Account.id == ChatMapping.account_id)
            .where(ChatMapping.place == platform.place, ChatMapping.external_id.in_(chunk))
        )
        bound.update((external_id, (owner, erp_id)) for external_id, owner, erp_id in found)
    answers: list[ChatRefused | None] = []
    for w in wanted:
        workspace, user = w.pair
        other = next((erp for email, erp in holders.get(w.pair, ()) if email != w.email), None)
        owner = bound.get(workspace)
        if other is not None:
            answers.append(ChatRefused(ChatProblem.identity_taken, platform.user.key, user, other))
        elif owner is not None and owner[0] != w.account_id:
            answers.append(ChatRefused(ChatProblem.workspace_elsewhere, platform.workspace.key,
                                       workspace, owner[1]))  # fmt: skip
        else:
            answers.append(None)
    return answers


def set_identity(
    session: Session, contact: Contact, platform: Platform, pair: tuple[str, str] | None
) -> bool:
    """Give the contact this identity on the platform (None removes it); whether it changed."""
    if pair is not None:
        [refused] = identity_conflicts(
            session, platform, [Wanted(pair, contact.email, contact.account_id)]
        )
        if refused is not None:
            raise refused
    if platform.held(contact) == pair:
        return False
    workspace, user = pair or (None, None)
    setattr(contact, platform.workspace.key, workspace)
    setattr(contact, platform.user.key, user)
    session.flush()
    return True


def bind_place(
    session: Session, account: Account, place: ChatPlace, external_id: str
) -> ChatMapping:
    """Bind a Slack team, Slack channel or Teams tenant to the account."""
    external_id = PLACE_FORMATS[place].checked(place.value, external_id)
    taken = session.scalar(
        select(Account.erp_id)
        .join(ChatMapping, ChatMapping.account_id == Account.id)
        .where(ChatMapping.place == place, ChatMapping.external_id == external_id)
    )
    if taken is not None:
        raise ChatRefused(ChatProblem.place_taken, place.value, external_id, taken)
    platform = next((p for p in PLATFORMS.values() if p.place == place), None)
    if platform is not None:
        # Binding a workspace makes every user in it this account's: contacts of another
        # account known there would no longer be answered.
        others = session.scalars(
            select(Account.erp_id)
            .join(Contact, Contact.account_id == Account.id)
            .where(platform.workspace == external_id, Contact.account_id != account.id)
            .distinct()
            .order_by(Account.erp_id)
            .limit(3)
        ).all()
        if others:
            raise ChatRefused(
                ChatProblem.workspace_in_use, place.value, external_id, ", ".join(others)
            )
    mapping = ChatMapping(place=place, external_id=external_id, account_id=account.id)
    session.add(mapping)
    session.flush()
    return mapping
