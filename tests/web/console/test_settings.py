"""Settings an admin changes in the console, over the environment: validated by the settings'
own fields (a bad value is a form error, never stored), audited with the value before and after,
reset to the environment's, admins only; in effect for the portal and the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core import setting_overrides
from core.models import AccessLink, AuditEvent, SettingOverride
from tests.web.conftest import csrf_token, open_portal
from web.extensions import app_settings


def _post(client, name: str, **form):
    token = csrf_token(client.get("/ar/settings").text)
    return client.post(f"/ar/settings/{name}", data={"csrf_token": token, **form})


def _events(db, prefix: str = "setting.") -> list[AuditEvent]:
    with db.admin_session() as s:
        query = select(AuditEvent).where(AuditEvent.action.startswith(prefix))
        return s.scalars(query.order_by(AuditEvent.id)).all()


def _rows_source(client, name: str) -> str:
    page = client.get("/ar/settings").text
    row = page.split(f'id="setting-{name}"', 1)[1].split("</tr>", 1)[0]
    return row.split('class="source">', 1)[1].split("</td>", 1)[0]


def _stored(db) -> dict[str, str]:
    with db.admin_session() as s:
        return {row.name: row.value for row in s.scalars(select(SettingOverride))}


def test_an_admin_changes_the_link_lifetime_and_the_portals_next_link_has_it(db, app, admin, world):
    page = admin.get("/ar/settings").text
    assert "ARDESK_LINK_TTL" in page and "48h" in page
    assert _post(admin, "link_ttl", value=" 3h ").status_code == 303
    assert _stored(db) == {"link_ttl": "3h"}
    [event] = _events(db)
    assert event.action == "setting.change" and event.actor == "ar:ada@supplier.example"
    assert event.target == "setting:link_ttl"
    assert event.detail == {"setting": "ARDESK_LINK_TTL", "old": "48h", "new": "3h"}
    page = admin.get("/ar/settings").text
    assert "console" in page and "ar:ada@supplier.example" in page

    # A customer in the portal asks for a link to all their invoices: it lives three hours.
    customer = app.test_client()
    customer.environ_base["wsgi.url_scheme"] = "https"
    opened = open_portal(app, customer, world.alice_contact)
    token = csrf_token(customer.get("/invoices").text)
    assert customer.post("/everything", data={"csrf_token": token}).status_code == 303
    with db.admin_session() as s:
        link = s.scalars(
            select(AccessLink).where(AccessLink.id != opened.id).order_by(AccessLink.created_at)
        ).one()
        assert link.expires_at - link.created_at == timedelta(hours=3)


def test_a_bad_value_is_a_form_error_and_is_never_stored(db, admin):
    for name, value in (
        ("link_ttl", "soon"),
        ("link_ttl", "0h"),
        ("replies_per_sender_hour", "-3"),
        ("ar_time_zone", "Mars/Olympus_Mons"),
        ("ar_business_hours", "mon-fri 17:00-09:00"),
        ("ar_holidays", "2026-13-45"),
    ):
        refused = _post(admin, name, value=value)
        assert refused.status_code == 400, (name, value)
        assert "Not saved:" in refused.text and setting_overrides.variable(name) in refused.text
        assert f'value="{value}"' in refused.text  # what was typed stays in the field
    refused = _post(admin, "auto_answer_intents", intent=["balance", "gossip"])
    assert refused.status_code == 400 and "unknown intent" in refused.text
    assert _post(admin, "auto_answer_intents").status_code == 400  # none ticked
    assert _stored(db) == {} and _events(db) == []
    # Only the declared settings: a secret or any other name is no console setting.
    assert _post(admin, "secret_key", value="x" * 40).status_code == 404
    assert _post(admin, "database_url", value="sqlite://").status_code == 404
    assert _stored(db) == {}


def test_a_reset_returns_to_the_environments_value(db, admin):
    _post(admin, "replies_per_sender_hour", value="5")
    assert _post(admin, "replies_per_sender_hour", value="5").status_code == 303  # no change
    assert _post(admin, "replies_per_sender_hour", reset="1").status_code == 303
    assert _stored(db) == {}
    assert [(e.action, e.detail["old"], e.detail["new"]) for e in _events(db)] == [
        ("setting.change", "20", "5"),
        ("setting.reset", "5", "20"),
    ]
    assert "console" not in _rows_source(admin, "replies_per_sender_hour")


def test_agents_may_not_see_or_change_settings(db, agent):
    assert "/ar/settings" not in agent.get("/ar/requests").text
    assert agent.get("/ar/settings").status_code == 403
    assert agent.get("/ar/settings/brand").status_code == 403
    token = csrf_token(agent.get("/ar/requests").text)
    posted = agent.post("/ar/settings/link_ttl", data={"csrf_token": token, "value": "1h"})
    assert posted.status_code == 403
    assert _stored(db) == {}


def test_a_change_without_the_csrf_token_is_refused(db, admin):
    assert admin.post("/ar/settings/link_ttl", data={"value": "1h"}).status_code == 400
    assert _stored(db) == {}


def test_another_process_sees_a_change_within_the_refresh_bound(db):
    """The web app reads the overrides at most once per ARDESK_SETTINGS_REFRESH: no query per
    request, and a change made elsewhere is in effect after that bound."""
    now = [1000.0]
    refresh = db.settings.settings_refresh
    cache = setting_overrides.Overrides(db.portal_engine, refresh, clock=lambda: now[0])
    assert cache.current(db.settings).link_ttl == timedelta(hours=48)
    with db.admin_session() as s:
        setting_overrides.change(s, db.settings, "link_ttl", "2h", by="ar:ada@supplier.example")
    now[0] += 29
    assert cache.current(db.settings).link_ttl == timedelta(hours=48)  # within the bound
    now[0] += 2
    assert cache.current(db.settings).link_ttl == timedelta(hours=2)
    # Unchanged overrides: the same object (caches keyed on it keep their entries).
    assert cache.current(db.settings) is cache.current(db.settings)


def test_the_brand_preview_shows_the_brand_file(db, app, admin):
    page = admin.get("/ar/settings/brand")
    assert page.status_code == 200
    assert "Brand preview" in page.text and "#1f4e79" in page.text


def test_the_queues_business_hours_follow_the_console(db, app, admin):
    """The queue's due times come from the settings in effect: hours and target from the console,
    the time zone still from the environment."""
    _post(admin, "ar_business_hours", value="mon-fri 08:00-12:00")
    _post(admin, "ar_first_response", value="2h")
    _post(admin, "ar_holidays", value="2026-12-24")
    with app.test_request_context():
        schedule = app_settings().schedule()
        due = schedule.due(datetime(2026, 12, 23, 11, tzinfo=UTC), app_settings().ar_first_response)
    # One hour on Wednesday, Thursday a holiday, the second hour on Friday morning.
    assert due == datetime(2026, 12, 25, 9, tzinfo=UTC)


def test_two_admins_saving_the_first_override_at_once_both_succeed(pg_db):
    """Ada's first override is written but not yet committed when Gus saves the same setting:
    Gus's save waits for hers and then wins, instead of failing on the row's key."""
    import threading

    settings = pg_db.settings
    gus_done: list[object] = []

    def gus() -> None:
        try:
            with pg_db.admin_session() as s:
                setting_overrides.change(
                    s, settings, "link_ttl", "5h", by="ar:gus@supplier.example"
                )
            gus_done.append("saved")
        except Exception as error:  # reported below, on the test's thread
            gus_done.append(error)

    with pg_db.admin_session() as s:
        setting_overrides.change(s, settings, "link_ttl", "3h", by="ar:ada@supplier.example")
        s.flush()
        thread = threading.Thread(target=gus)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive()  # Gus waits on Ada's uncommitted row
    thread.join(timeout=10)
    assert gus_done == ["saved"]
    assert _stored(pg_db) == {"link_ttl": "5h"}
