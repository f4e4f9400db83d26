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
