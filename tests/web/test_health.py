"""What a load balancer asks: is the process up, and can it serve."""

from __future__ import annotations

from datetime import timedelta

from core.config import load_settings
from core.db import Database
from core.heartbeats import Beat, IntakeHealth
from core.migrate import upgrade
from core.models import ProcessKind, utcnow
from web import create_app


def _checks(response) -> dict[str, str]:
    return {check["name"]: check["state"] for check in response.json["checks"]}


def test_a_serving_app_is_healthy_and_ready(app):
    browser = app.test_client()
    assert browser.get("/healthz").text == "ok\n"
    ready = browser.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ready"
    assert _checks(ready) == {
        "migrations at head": "ok", "database": "ok", "intake": "ok", "brand": "ok",
    }  # fmt: skip


def test_stale_imap_intake_is_degraded_but_still_ready_to_serve(db):
    from tests.web.conftest import portal_settings

    settings = portal_settings(db.settings).replace(
        imap_url="imaps://ar@mail.example/INBOX", imap_password="hunter2-secret"
    )
    health = IntakeHealth(imap_fetched_at=utcnow() - timedelta(hours=1))
    health.imap_failed(ConnectionRefusedError(111, "refused by mail.example"))
    beat = Beat(db, ProcessKind.worker, health).start()
    app = create_app(settings)
    try:
        ready = app.test_client().get("/readyz")
    finally:
        beat.stop()
        app.extensions["ardesk.db"].dispose()
    # The portal still serves customers: a load balancer keeps this process; alerts watch
    # `ardesk status`, which fails on the same finding.
    assert ready.status_code == 200 and ready.json["status"] == "degraded"
    assert _checks(ready)["intake"] == "degraded"
    intake = ready.json["intake"]
    assert intake["imap_configured"] and intake["imap_failure"] == "connection"
    assert intake["problems"][0].startswith("IMAP intake: no successful fetch since ")
    assert "hunter2" not in ready.text and "mail.example" not in ready.text


def test_smtp_intake_errors_show_in_readiness(app, db):
    health = IntakeHealth()
    health.smtp_failed()
    beat = Beat(db, ProcessKind.smtpd, health).start()
    try:
        ready = app.test_client().get("/readyz")
    finally:
        beat.stop()
    assert ready.status_code == 200 and ready.json["status"] == "degraded"
    assert ready.json["intake"]["smtp_errors"] == 1


def test_a_schema_behind_the_code_is_not_ready(tmp_path):
    settings = load_settings({"ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(tmp_path)})
    db = Database.connect(settings)
    upgrade(db.engine, "0012")
    db.dispose()
    app = create_app(settings)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["status"] == "not_ready"
    assert _checks(ready)["migrations at head"] == "failing"
    assert app.test_client().get("/healthz").status_code == 200  # up, just not ready
    app.extensions["ardesk.db"].dispose()


def test_an_unreachable_database_is_not_ready_and_says_no_more(tmp_path):
    url = "postgresql+psycopg://ardesk:secret-password@127.0.0.1:1/ardesk"
    settings = load_settings(
        {"ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": url}
    )
    app = create_app(settings)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and _checks(ready)["database"] == "failing"
    assert ready.json["intake"] is None
    assert "secret-password" not in ready.text and "127.0.0.1" not in ready.text
    app.extensions["ardesk.db"].dispose()
