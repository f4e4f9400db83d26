"""The portal in a real browser: Debian's Chromium driven by Playwright against a live server.

The scenario of the portal issue: an emailed link → the interstitial → continue → the invoice →
its PDF (read back as text) → "show me all my invoices" → the portal link from the email →
last quarter's statement → the list exported as CSV; on a phone-sized screen; in German.
Screenshots of each page go to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import csv
import email
import io
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.config import load_settings
from core.db import Database
from core.models import Account, LinkScope, OutboundMessage
from tests.support import builders as b
from tests.support.services import missing
from tests.web.conftest import issue_link
from web import create_app
from web.portal.periods import preset
from web.serving import local_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        missing("Chromium", "apt-get install chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def live(sqlite_template: Path, tmp_path_factory) -> Iterator[dict]:
    """The app on a loopback port, with Alice's invoices: one issued last quarter."""
    directory = tmp_path_factory.mktemp("browser")
    shutil.copyfile(sqlite_template, directory / "ardesk.db")
    port = _free_port()
    settings = load_settings(
        {
            "ARDESK_ENV": "development",
            "ARDESK_VAR_DIR": str(directory),
            "ARDESK_SECRET_KEY": "browser-test-secret-key-0123456789-abcdefgh",
            "ARDESK_DATABASE_URL": f"sqlite:///{directory / 'ardesk.db'}",
            "ARDESK_BASE_URL": f"http://127.0.0.1:{port}",
            "ARDESK_FROM_ADDRESS": "ar@supplier.example",
        }
    )
    app = create_app(settings)
    start, end = preset("last_quarter", date.today())
    db: Database = app.extensions["ardesk.db"]
    with db.admin_session() as s:
        alice = b.account(s, "A1", "Alice Manufacturing")
        ann = b.contact(s, alice, "ann@alice.example", name="Ann")
        invoice = b.invoice(
            s, alice, "INV-10423", "1234.56", issued=start + timedelta(days=4),
            due=start + timedelta(days=34), tax="197.11", po="PO-77",
        )  # fmt: skip
        paid = b.invoice(s, alice, "INV-10424", "300.00", issued=start + timedelta(days=9))
        b.payment(
            s, alice, "REM-5501", "300.00", received=start + timedelta(days=20),
            allocations={paid: "300.00"},
        )  # fmt: skip
        ids = {"contact": ann.id, "invoice": invoice.id, "account": alice.id}
    server = local_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"app": app, "url": settings.base_url, "period": (start, end), **ids}
    server.shutdown()
    db.dispose()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def _emailed_link(app) -> str:
    """The link in the newest email in the outbox, as the contact would click it."""
    with app.extensions["ardesk.db"].admin_session() as s:
        row = s.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc())).first()
        message = email.message_from_bytes(row.payload, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/l/[\w.\-]+", text).group(0)


def _scenario(browser, live, name: str, **context_options) -> None:
    context = browser.new_context(accept_downloads=True, **context_options)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    link = issue_link(
        live["app"], live["contact"], LinkScope.invoice, {"invoice_ids": [live["invoice"]]}
    )

    page.goto(link.url)
    _shot(page, f"{name}-1-interstitial")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/invoices/\d+$"))
    assert "INV-10423" in page.inner_text("h1")
    assert "€1,234.56" in page.inner_text("main")
    _shot(page, f"{name}-2-invoice")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "INV-10423" in text and "€1,234.56" in text and "PO-77" in text
    assert re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", text)

    page.get_by_role("button", name="Show me all my invoices").click()
    assert "We have emailed a link" in page.inner_text("main")
    page.goto(_emailed_link(live["app"]))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Open balance" in page.inner_text("main")
    _shot(page, f"{name}-3-overview")

    page.get_by_role("link", name="Statements").first.click()
    page.get_by_role("link", name="Last quarter").first.click()
    main = page.inner_text("main")
    assert "INV-10423" in main and "REM-5501" in main and "Closing balance" in main
    _shot(page, f"{name}-4-statement")

    page.get_by_role("link", name="Invoices", exact=True).first.click()
    _shot(page, f"{name}-5-invoices")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert {r["number"]: (r["total"], r["currency"], r["status"]) for r in rows} == {
        "INV-10423": ("1234.56", "EUR", "open"),
        "INV-10424": ("300.00", "EUR", "paid"),
    }
    assert blocked == []
    context.close()


def test_the_emailed_link_scenario_on_a_desktop(browser, live):
    _scenario(browser, live, "desktop", viewport={"width": 1280, "height": 900})


def test_the_emailed_link_scenario_on_a_phone(browser, live):
    _scenario(browser, live, "phone", viewport=PHONE, is_mobile=True, has_touch=True)


def test_a_german_browser_reads_german_dates_and_money(browser, live):
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    page = context.new_page()
    link = issue_link(
        live["app"], live["contact"], LinkScope.invoice, {"invoice_ids": [live["invoice"]]}
    )
    page.goto(link.url)
    page.get_by_role("button", name="Weiter").click()
    main = page.inner_text("main").replace("\xa0", " ")
    issued = live["period"][0] + timedelta(days=4)
    assert "1.234,56 €" in main
    assert issued.strftime("%d.%m.%Y") in main
    assert "Fälligkeitsdatum" in main
    _shot(page, "german-invoice")
    with live["app"].extensions["ardesk.db"].admin_session() as s:
        assert s.get(Account, live["account"]).name == "Alice Manufacturing"
    context.close()
