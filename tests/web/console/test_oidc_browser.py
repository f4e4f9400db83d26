"""Signing in through the identity provider in a real browser (Debian's Chromium): the provider
runs on another site than the console, as a real one does, so the trip back carries the
console's cookies as a browser really sends them (SameSite)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest

from core import ar_users
from core.models import ARRole
from tests.support.oidc_provider import OIDCProvider
from tests.web.conftest import portal_settings
from tests.web.test_browser import ARTIFACTS, _free_port, browser  # noqa: F401
from web import create_app
from web.serving import local_server


@pytest.fixture
def live(db) -> Iterator[tuple[str, OIDCProvider]]:
    provider = OIDCProvider(host="localhost").start()
    base = f"http://127.0.0.1:{_free_port()}"
    provider.redirect_uris.append(f"{base}/ar/oidc/callback")
    settings = portal_settings(db.settings).replace(
        base_url=base,
        env="development",
        ar_oidc_issuer=provider.issuer,
        ar_oidc_client_id=provider.client_id,
        ar_oidc_client_secret=provider.client_secret,
    )
    app = create_app(settings)
    with db.admin_session() as s:
        ar_users.add(s, "ada@supplier.example", "Ada Admin", ARRole.admin, "x" * 16)
    port = int(base.rsplit(":", 1)[1])
    server = local_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, provider
    server.shutdown()
    provider.stop()
    app.extensions["ardesk.db"].dispose()


def test_an_admin_signs_in_with_the_company_account(browser, live):  # noqa: F811
    base, provider = live
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/ar/queue")
    page.wait_for_url(re.compile(r"/ar/sign-in\?next="))
    page.get_by_role("link", name="Sign in with your company account").click()
    page.wait_for_url(re.compile(r"/ar/queue$"))
    assert page.get_by_role("link", name="Queue").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-11-oidc-signed-in.png"), full_page=True)
    context.close()

    # An address the provider has not verified opens nothing.
    provider.person.email_verified = False
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/ar/sign-in")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.wait_for_load_state()
    assert "Wrong email, password or code." in page.content()
    page.goto(f"{base}/ar/queue")
    page.wait_for_url(re.compile(r"/ar/sign-in"))
    context.close()
