"""Where an account's people ask in chat, managed by admins: a contact's Slack and Teams
identities (on the contact's page) and the Slack workspaces, Slack channels and Teams tenants
bound to the account (on its page). The rules are ``core.chat_identities``'; each change is an
audit event — ``contact.chat_identity`` (the platform and workspace, never the user id: the
trail outlives a contact forgotten on request) and ``chat_mapping_added`` / ``_removed``, as
``ardesk chat map`` writes them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.chat_identities import (
    PLATFORMS,
    SLACK,
    TEAMS,
    ChatProblem,
    ChatRefused,
    bind_place,
    set_identity,
)
from core.models import Account, ChatMapping, ChatPlace, Contact
from web.console import blueprint, staff

PROBLEMS = {
    ChatProblem.not_slack_team: _l("not a Slack team id (T… or E…, capitals and digits)"),
    ChatProblem.not_slack_user: _l("not a Slack user id (U… or W…, capitals and digits)"),
    ChatProblem.not_slack_channel: _l("not a Slack channel id (C… or G…, capitals and digits)"),
    ChatProblem.not_teams_tenant: _l("not a Teams tenant id (a GUID)"),
    ChatProblem.not_teams_user: _l("not an Entra ID object id (a GUID)"),
    ChatProblem.half_identity: _l("a chat identity needs both its workspace and its user"),
    ChatProblem.identity_taken: _l(
        "this chat identity belongs to a contact with another address (account %(detail)s)"
    ),
    ChatProblem.workspace_elsewhere: _l("this workspace is bound to another account (%(detail)s)"),
    ChatProblem.place_taken: _l("bound already, to account %(detail)s; remove it there first"),
    ChatProblem.workspace_in_use: _l(
        "contacts of other accounts (%(detail)s) have chat identities in this workspace"
    ),
}


@dataclass(frozen=True)
class IdentityLabels:
    title: str
    workspace: str
    user: str
    workspace_example: str
    user_example: str


GUID_EXAMPLE = "00000000-0000-0000-0000-000000000000"
IDENTITY_FORMS = (
    (SLACK, IdentityLabels(_l("Slack"), _l("Slack team id"), _l("Slack user id"),
                           "T0123ABCD", "U0123ABCD")),
    (TEAMS, IdentityLabels(_l("Microsoft Teams"), _l("Teams tenant id"),
                           _l("Entra ID object id of the user"), GUID_EXAMPLE, GUID_EXAMPLE)),
)  # fmt: skip


def problem_text(problem: ChatProblem, detail: str = "") -> str:
    return str(PROBLEMS[problem]) % {"detail": detail}


def _refused(refused: ChatRefused) -> None:
    flash(f"{refused.value}: {problem_text(refused.problem, refused.detail)}", "error")


@blueprint.post("/accounts/<int:account_id>/contacts/<int:contact_id>/chat/<platform>")
def contact_chat_identity(account_id: int, contact_id: int, platform: str):
    staff.require_admin()
    chosen = PLATFORMS.get(platform)
    if chosen is None:
        abort(404)
    removing = request.form.get("remove") == "1"
    with staff.database().admin_session() as session:
        contact = session.scalar(
            select(Contact).where(Contact.id == contact_id, Contact.account_id == account_id)
        )
        if contact is None:
            abort(404)
        try:
            pair = None if removing else chosen.parse(
                request.form.get("workspace", "")[:80], request.form.get("user", "")[:80]
            )  # fmt: skip
            before = chosen.held(contact)
            changed = set_identity(session, contact, chosen, pair)
        except ChatRefused as refused:
            _refused(refused)
        else:
            if changed:
                staff.audit(session, "contact.chat_identity", f"contact:{contact.id}",
                            account_id=account_id, contact_id=contact.id, platform=chosen.name,
                            workspace=(pair or before or ("",))[0],
                            change="removed" if pair is None else "set")  # fmt: skip
            flash(_("Chat identity saved."), "ok")
    return redirect(
        url_for("console.contact_edit", account_id=account_id, contact_id=contact_id), 303
    )


@blueprint.post("/accounts/<int:account_id>/chat-places")
def add_chat_place(account_id: int):
    staff.require_admin()
    try:
        place = ChatPlace(request.form.get("place", ""))
    except ValueError:
        abort(400)
    with staff.database().admin_session() as session:
        account = session.get(Account, account_id)
        if account is None:
            abort(404)
        try:
            mapping = bind_place(session, account, place, request.form.get("external_id", "")[:80])
        except ChatRefused as refused:
            _refused(refused)
        else:
            staff.audit(session, "chat_mapping_added", mapping.external_id,
                        account_id=account_id, place=place.value)  # fmt: skip
            flash(_("Bound to this account."), "ok")
    return redirect(url_for("console.account", account_id=account_id), 303)


@blueprint.post("/accounts/<int:account_id>/chat-places/<int:mapping_id>/remove")
def remove_chat_place(account_id: int, mapping_id: int):
    staff.require_admin()
    with staff.database().admin_session() as session:
        mapping = session.scalar(
            select(ChatMapping).where(
                ChatMapping.id == mapping_id, ChatMapping.account_id == account_id
            )
        )
        if mapping is None:
            abort(404)
        staff.audit(session, "chat_mapping_removed", mapping.external_id,
                    account_id=account_id, place=mapping.place.value)  # fmt: skip
        session.delete(mapping)
    flash(_("Binding removed."), "ok")
    return redirect(url_for("console.account", account_id=account_id), 303)
