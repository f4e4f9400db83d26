"""What the app refuses at start rather than failing every page, and headers no response lacks."""

from __future__ import annotations

import pytest

from core.config import load_settings
from mailers.brand import BrandError
from tests.support.production import production_environ
from tests.web.conftest import csrf_token, https_client
from web import create_app


def test_production_with_a_brand_file_that_does_not_load_refuses_to_start(tmp_path):
    environ = production_environ(tmp_path)
    (tmp_path / "brand.toml").write_text('name = "Supplier"\n[colours]\nprimary = "not a colour"\n')
    with pytest.raises(BrandError):
        create_app(load_settings(environ))


def test_a_failing_error_page_still_carries_the_security_headers(app, monkeypatch):
    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    import web.errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("the error page itself fails (a brand that cannot load, say)")

    monkeypatch.setattr(web.errors, "render_error", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = https_client(app).get("/boom")
    assert response.status_code == 500
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_development_without_a_from_address_answers_login(db):
    settings = db.settings.replace(env="development", from_address=None)
    application = create_app(settings)
    browser = application.test_client()
    form = browser.get("/login")
    sent = browser.post(
        "/login", data={"email": "someone@customer.example", "csrf_token": csrf_token(form.text)}
    )
    assert sent.status_code == 200
    application.extensions["ardesk.db"].dispose()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_server_processs_app_leaves_its_startup_objects_out_of_the_cycle_collector(
    db, monkeypatch
):
    """gunicorn's ``web:create_app()`` freezes what starting the app made, so that a full
    collection no longer walks it; an app made with its settings passed (tests, tools) leaves
    the collector as it was."""
    import gc

    import web

    assert gc.get_freeze_count() == 0
    try:
        create_app(db.settings).extensions["ardesk.db"].dispose()
        assert gc.get_freeze_count() == 0
        monkeypatch.setattr(web, "load_settings", lambda: db.settings)
        served = create_app()
        assert gc.get_freeze_count() > 50_000
        served.extensions["ardesk.db"].dispose()
    finally:
        gc.unfreeze()
