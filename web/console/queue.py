"""The hand-off queue's pages and the actions on one request (claim, assign, note, answer,
close). Every action is audited; answering goes through the outbox, never straight to SMTP."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import undefer

from core.models import InboundMessage, utcnow
from web.console import blueprint, duplicates, handoffs, staff
from web.extensions import app_settings
from web.row_ids import row_id

MAX_TEXT = 20_000


@blueprint.get("/queue")
def queue():
    me = staff.current()
    assert me is not None
    show = request.args.get("show", "all")
    assignee = {"mine": me.id, "unassigned": 0}.get(show)
    with staff.database().admin_session() as session:
        items = handoffs.queue(session, app_settings(), assignee=assignee)
    return render_template("console/queue.html", items=items, show=show, now=utcnow())


def _back(message_id: int):
    return redirect(url_for("console.request_detail", message_id=message_id), 303)


def _message(session, message_id: int) -> InboundMessage:
    message = session.get(InboundMessage, message_id, options=[undefer(InboundMessage.raw)])
    if message is None:
        abort(404)
    return message


@blueprint.post("/requests/<int:message_id>/assign")
def assign(message_id: int):
    me = staff.current()
    assert me is not None
    choice = request.form.get("user", "me")
    user_id = me.id if choice == "me" else row_id(choice)
    with staff.database().admin_session() as session:
        message = _message(session, message_id)
        try:
            handoffs.assign(session, message_id, user_id)
        except handoffs.AlreadyResolved:
            flash(_("This request was already answered or closed."), "error")
            return _back(message_id)
        staff.audit(session, "handoff.assign", f"inbound:{message_id}",
                    account_id=message.account_id, assignee=user_id)  # fmt: skip
    return _back(message_id)


@blueprint.post("/requests/<int:message_id>/notes")
def note(message_id: int):
    me = staff.current()
    assert me is not None
    text = request.form.get("text", "").strip()[:MAX_TEXT]
    if not text:
        abort(400)
    with staff.database().admin_session() as session:
        message = _message(session, message_id)
        handoffs.add_note(session, message_id, me.id, text)
        staff.audit(session, "handoff.note", f"inbound:{message_id}",
                    account_id=message.account_id)  # fmt: skip
    return _back(message_id)


@blueprint.post("/requests/<int:message_id>/answer")
def answer(message_id: int):
    me = staff.current()
    assert me is not None
    text = request.form.get("text", "").strip()[:MAX_TEXT]
    if not text:
        flash(_("Write the reply first."), "error")
        return _back(message_id)
    with staff.database().admin_session() as session:
        message = _message(session, message_id)
        try:
            recipient = handoffs.answer(session, app_settings(), message, me.id, text)
        except handoffs.AlreadyResolved:
            flash(_("This request was already answered or closed."), "error")
            return _back(message_id)
        staff.audit(session, "handoff.answer", f"inbound:{message_id}",
                    account_id=message.account_id, contact_id=message.contact_id)  # fmt: skip
    flash(_("Reply queued to %(to)s.", to=recipient), "ok")
    return _back(message_id)


@blueprint.post("/requests/<int:message_id>/close")
def close(message_id: int):
    me = staff.current()
    assert me is not None
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Say why the request is closed without a reply."), "error")
        return _back(message_id)
    with staff.database().admin_session() as session:
        message = _message(session, message_id)
        try:
            handoffs.close(session, message_id, me.id, reason)
        except handoffs.AlreadyResolved:
            flash(_("This request was already answered or closed."), "error")
            return _back(message_id)
        # The reason is AR's free text (it may quote the customer): it stays on the hand-off,
        # where retention and forgetting reach it, never in the append-only audit trail.
        staff.audit(session, "handoff.close", f"inbound:{message_id}",
                    account_id=message.account_id)  # fmt: skip
    return _back(message_id)


@blueprint.post("/requests/<int:message_id>/merge")
def merge(message_id: int):
    """Merge another open hand-off of the same contact into this one (a duplicate)."""
    me = staff.current()
    assert me is not None
    other_id = row_id(request.form.get("other", ""))
    if other_id is None:
        abort(400)
    with staff.database().admin_session() as session:
        survivor = _message(session, message_id)
        other = _message(session, other_id)
        try:
            duplicates.merge(session, survivor, other, me.id)
        except handoffs.AlreadyResolved:
            flash(_("This request was already answered or closed."), "error")
            return _back(message_id)
        except duplicates.CannotMerge:
            flash(_("Only open hand-offs of the same contact can be merged."), "error")
            return _back(message_id)
        staff.audit(session, "handoff.merge", f"inbound:{other.id}",
                    account_id=other.account_id, into=message_id)  # fmt: skip
    flash(_("Request %(other)s merged into this one.", other=other.id), "ok")
    return _back(message_id)
