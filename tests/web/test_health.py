"""What a load balancer asks: is the process up, and can it serve."""

from __future__ import annotations

from core.config import load_settings
from core.db import Database
from core.migrate import upgrade
from web import create_app


def test_a_serving_app_is_healthy_and_ready(app):
    browser = app.test_client()
    assert browser.get("/healthz").text == "ok\n"
    ready = browser.get("/readyz")
    assert ready.status_code == 200
    assert ready.text == "migrations at head: ok\ndatabase: ok\nbrand: ok\n"


def test_a_schema_behind_the_code_is_not_ready(tmp_path):
    settings = load_settings({"ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(tmp_path)})
    db = Database.connect(settings)
    upgrade(db.engine, "0012")
    db.dispose()
    app = create_app(settings)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and "migrations at head: failing" in ready.text
    assert app.test_client().get("/healthz").status_code == 200  # up, just not ready
    app.extensions["ardesk.db"].dispose()


def test_an_unreachable_database_is_not_ready_and_says_no_more(tmp_path):
    url = "postgresql+psycopg://ardesk:secret-password@127.0.0.1:1/ardesk"
    settings = load_settings(
        {"ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": url}
    )
    app = create_app(settings)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and "database: failing" in ready.text
    assert "secret-password" not in ready.text and "127.0.0.1" not in ready.text
    app.extensions["ardesk.db"].dispose()
