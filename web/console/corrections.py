"""Correcting what the bot understood, from the request's page: saved as a labelled example,
and — with "Save and answer" — answered by the bot from the corrected reading."""

from __future__ import annotations

import re
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from bot.corrected import Reading, correct
from core.handoff_state import AlreadyResolved
from web.console import blueprint, staff
from web.extensions import app_settings

_SPLIT = re.compile(r"[\s,;]+")


def _numbers(name: str) -> tuple[str, ...]:
    values = (v.strip() for v in _SPLIT.split(request.form.get(name, "")))
    return tuple(dict.fromkeys(v[:64] for v in values if v))[:20]


def _period() -> tuple[date, date] | None:
    try:
        start = date.fromisoformat(request.form.get("period_from", ""))
        end = date.fromisoformat(request.form.get("period_to", ""))
    except ValueError:
        return None
    return (start, end) if start <= end else None


@blueprint.post("/requests/<int:message_id>/correct")
def correct_request(message_id: int):
    me = staff.current()
    assert me is not None
    intents = tuple(dict.fromkeys(i[:32] for i in request.form.getlist("intent") if i))
    if not intents:
        flash(_("Choose at least one intent."), "error")
        return redirect(url_for("console.request_detail", message_id=message_id), 303)
    reading = Reading(
        intents=intents,
        invoice_numbers=_numbers("invoices"),
        po_numbers=_numbers("pos"),
        period=_period(),
        language=request.form.get("language", "en")[:8],
    )
    answer = "answer" in request.form
    try:
        decision = correct(staff.database(), app_settings(), message_id, me.id, reading,
                           answer=answer)  # fmt: skip
    except LookupError:
        abort(404)
    except AlreadyResolved:
        flash(_("This request was already answered or closed."), "error")
        return redirect(url_for("console.request_detail", message_id=message_id), 303)
    with staff.database().admin_session() as session:
        staff.audit(session, "request.correct", f"inbound:{message_id}", answered=answer,
                    intents=list(intents))  # fmt: skip
    if decision is None:
        flash(_("Correction saved."), "ok")
    elif decision.get("handoff"):
        flash(_("Correction saved; the request still needs a person."), "error")
    else:
        flash(_("Correction saved; the bot answered from it."), "ok")
    return redirect(url_for("console.request_detail", message_id=message_id), 303)
