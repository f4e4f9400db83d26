"""Settings an admin changes without a deploy (``core.setting_overrides``), and the brand as
customers see it. Each change and reset is an audit event with the value before and after."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import setting_overrides
from core.config import Settings
from core.config_processes import BOT_INTENTS
from core.documents.letterhead import data_uri
from core.errors import InvalidInput
from core.models import SettingOverride
from mailers.brand import EXAMPLE_BRAND_FILE
from web.console import blueprint, staff
from web.documents.render import brand
from web.extensions import app_settings

LABELS = {
    "auto_answer_intents": _l("Intents the bot answers by itself"),
    "link_ttl": _l("Link lifetime"),
    "replies_per_sender_hour": _l("Replies per address and hour"),
    "replies_per_account_hour": _l("Replies per account and hour"),
    "ar_first_response": _l("First-response target (business hours)"),
    "ar_business_hours": _l("Business hours"),
    "ar_time_zone": _l("Time zone of the business hours"),
    "ar_holidays": _l("Holidays (ISO dates, comma-separated)"),
}
HINTS = {
    "auto_answer_intents": _l("Requests asking for any other go to the queue unanswered."),
    "link_ttl": _l("A number and a unit: 30m, 48h, 7d. Applies to links issued from now on."),
    "replies_per_sender_hour": _l("Beyond it the bot stops answering that address (loop guard)."),
    "replies_per_account_hour": _l("Beyond it the bot stops answering that account."),
    "ar_first_response": _l("A number and a unit: 4h, 1d."),
    "ar_business_hours": _l("mon-fri 09:00-17:00, or days listed: mon,tue,thu 08:00-16:00."),
    "ar_time_zone": _l("An IANA name, e.g. Europe/Berlin."),
    "ar_holidays": _l("Days that are not working days: 2026-12-24,2026-12-25."),
}
assert set(LABELS) == set(HINTS) == set(setting_overrides.OVERRIDABLE)


@dataclass(frozen=True)
class Row:
    name: str
    variable: str
    label: str
    hint: str
    value: str  # in effect
    base: str  # the environment's, or the default
    source: str
    override: SettingOverride | None


def _base() -> Settings:
    return current_app.extensions["ardesk.settings"]


def _rows(stored: dict[str, SettingOverride]) -> list[Row]:
    base, in_effect = _base(), app_settings()
    sources = setting_overrides.base_sources(base)
    return [
        Row(
            name=name,
            variable=setting_overrides.variable(name),
            label=str(LABELS[name]),
            hint=str(HINTS[name]),
            value=setting_overrides.as_text(getattr(in_effect, name)),
            base=setting_overrides.as_text(getattr(base, name)),
            source="console" if name in stored else sources[name],
            override=stored.get(name),
        )
        for name in setting_overrides.OVERRIDABLE
    ]


def _stored() -> dict[str, SettingOverride]:
    with staff.database().admin_session() as session:
        rows = session.scalars(select(SettingOverride)).all()
        return {row.name: row for row in rows if row.name in setting_overrides.OVERRIDABLE}


def _page(error: tuple[str, str, str] | None = None, status: int = 200):
    # Read now, not from the cache: the admin sees what is stored.
    current_app.extensions["ardesk.overrides"].invalidate()
    page = render_template(
        "console/settings.html",
        rows=_rows(_stored()),
        intents=BOT_INTENTS,
        refresh=setting_overrides.as_text(_base().settings_refresh),
        error=error,  # (setting, message, the value as typed)
    )
    return page, status


@blueprint.get("/settings")
def settings_page():
    staff.require_admin()
    return _page()


def _posted_value(name: str) -> str:
    if name == "auto_answer_intents":  # ticked boxes
        return ",".join(request.form.getlist("intent")[: len(BOT_INTENTS) + 1])
    return request.form.get("value", "")[:1000]


@blueprint.post("/settings/<name>")
def change_setting(name: str):
    me = staff.require_admin()
    if name not in setting_overrides.OVERRIDABLE:
        abort(404)
    reset = request.form.get("reset") == "1"
    refused: str | None = None
    with staff.database().admin_session() as session:
        try:
            if reset:
                change = setting_overrides.reset(session, _base(), name)
            else:
                change = setting_overrides.change(
                    session, _base(), name, _posted_value(name), by=me.actor
                )
        except InvalidInput as error:  # checked before anything is written
            change, refused = None, str(error)
        if change is not None:
            staff.audit(session, "setting.reset" if reset else "setting.change",
                        f"setting:{name}", setting=setting_overrides.variable(name),
                        old=change.old, new=change.new)  # fmt: skip
    if refused is not None:  # nothing stored: the form again, saying why
        return _page((name, refused, _posted_value(name)), 400)
    current_app.extensions["ardesk.overrides"].invalidate()
    if change is None:
        flash(_("Nothing changed."), "ok")
    else:
        flash(_("%(setting)s is now %(value)s.", setting=LABELS[name], value=change.new), "ok")
    return redirect(url_for("console.settings_page"), 303)


@blueprint.get("/settings/brand")
def brand_preview():
    staff.require_admin()
    current, base = brand(), _base()
    # As load_brand chooses: the file set, else development's demo brand, else a plain default.
    demo = base.is_development and EXAMPLE_BRAND_FILE.is_file()
    return render_template(
        "console/brand.html",
        brand=current,
        logo=data_uri(current.logo.content, current.logo.mime_type)
        if current.logo and current.logo.content and current.logo.mime_type
        else None,
        brand_file=base.brand_file or (EXAMPLE_BRAND_FILE if demo else None),
        demo=base.brand_file is None and demo,
    )
