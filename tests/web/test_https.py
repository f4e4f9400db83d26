"""The portal in production over HTTPS, in Chromium: served by gunicorn with a certificate, and
behind a TLS-terminating reverse proxy. Every form posts (the CSRF check sees where it came from),
and behind the proxy the audit trail records the client's address, not the proxy's."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import links
from core.config import load_settings
from core.db import Database
from core.models import AuditEvent, LinkScope
from tests.support import builders as b
from tests.support.gunicorn import gunicorn
from tests.support.production import production_environ
from tests.support.tls import TlsProxy, free_port, make_certificate
from tests.web.test_browser import ARTIFACTS, browser  # noqa: F401 - the browser fixture

SECRET = "https-test-secret-key-0123456789-abcdefghijkl"


def _prepare(directory: Path, template: Path, base_url: str, **overrides: str):
    shutil.copyfile(template, directory / "ardesk.db")
    environ = production_environ(
        directory,
        ARDESK_SECRET_KEY=SECRET,
        ARDESK_DATABASE_URL=f"sqlite:///{directory / 'ardesk.db'}",
        ARDESK_BASE_URL=base_url,
        **overrides,
    )
    db = Database.connect(load_settings(environ))
    with db.admin_session() as s:
        alice = b.account(s, "A1", "Alice Manufacturing")
        ann = b.contact(s, alice, "ann@alice.example", name="Ann")
        invoice = b.invoice(s, alice, "INV-10423", "1234.56", issued=date.today() - timedelta(9))
        link = links.issue(
            s, links.LinkSigner(SECRET), base_url, ann, LinkScope.invoice,
            ttl=timedelta(hours=1), targets={"invoice_ids": [invoice.id]},
        )  # fmt: skip
    return environ, db, link


def _open_sign_out(browser, link_url: str, name: str) -> None:  # noqa: F811
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(link_url)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/invoices/\d+$"))
    assert "INV-10423" in page.inner_text("h1")
    cookies = context.cookies()
    assert any(c["name"] == "ardesk_session" and c["secure"] for c in cookies)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"https-{name}.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    assert "signed out" in page.inner_text("main").lower()
    context.close()


@pytest.fixture
def certificate(tmp_path) -> Iterator[tuple[Path, Path]]:
    yield make_certificate(tmp_path)


def test_forms_work_over_https_served_by_gunicorn(browser, sqlite_template, tmp_path, certificate):  # noqa: F811
    port = free_port()
    environ, db, link = _prepare(tmp_path, sqlite_template, f"https://127.0.0.1:{port}")
    cert, key = certificate
    with gunicorn(environ, port, "--certfile", str(cert), "--keyfile", str(key), scheme="https"):
        _open_sign_out(browser, link.url, "gunicorn")
    db.dispose()


def test_forms_work_behind_a_reverse_proxy_and_the_audit_sees_the_client(
    browser, sqlite_template, tmp_path, certificate  # noqa: F811
):
    backend, proxy_port = free_port(), free_port()
    environ, db, link = _prepare(
        tmp_path, sqlite_template, f"https://127.0.0.1:{proxy_port}", ARDESK_PROXY_HOPS="1"
    )
    cert, key = certificate
    proxy = TlsProxy(("127.0.0.1", backend), cert, key, port=proxy_port)
    with gunicorn(environ, backend):
        proxy.start()
        try:
            _open_sign_out(browser, link.url, "proxy")
        finally:
            proxy.stop()
    with db.admin_session() as s:
        (opened,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "link.open"))
    assert opened.ip == "127.0.0.1"  # the browser, not the proxy at 127.0.0.2
    db.dispose()


def test_without_trusted_proxy_hops_the_forwarded_headers_are_ignored(
    browser, sqlite_template, tmp_path, certificate  # noqa: F811
):
    backend, proxy_port = free_port(), free_port()
    environ, db, link = _prepare(tmp_path, sqlite_template, f"https://127.0.0.1:{proxy_port}")
    cert, key = certificate
    proxy = TlsProxy(("127.0.0.1", backend), cert, key, port=proxy_port)
    with gunicorn(environ, backend):
        proxy.start()
        try:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.goto(link.url)
            with db.admin_session() as s:
                (landing,) = s.scalars(
                    select(AuditEvent).where(AuditEvent.action == "link.landing")
                )
            assert landing.ip == "127.0.0.2"  # an untrusted X-Forwarded-For is not believed
            context.close()
        finally:
            proxy.stop()
    db.dispose()
