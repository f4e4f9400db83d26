"""The AR console in a real browser (Debian's Chromium through Playwright), on both databases.

Requests are fed through the real pipeline; Ada (admin, TOTP) signs in, reads the dashboard,
claims and answers the hand-off (delivered to a loopback SMTP server), and revokes the links of
an account whose customer is then refused; Gus (agent) is refused on admin pages; a signed-out
visit and a customer's session are sent to the sign-in page. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from bot.channels import dispatch
from bot.outbox import deliver_due
from core import ar_users
from core.db import Database
from core.deflection import figures
from core.models import (
    AccessLink,
    ARRole,
    ARUser,
    AuditEvent,
    Contact,
    InboundMessage,
    RolePermission,
    utcnow,
)
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle, with_headers
from tests.support.smtp_server import SmtpTestServer
from tests.web.conftest import follow
from tests.web.test_browser import ARTIFACTS, _free_port, browser  # noqa: F401
from web import create_app
from web.serving import local_server

PASSWORD = "correct horse battery staple"


@pytest.fixture
def live(world: Database) -> Iterator[dict]:  # noqa: F811
    port = _free_port()
    world.settings = world.settings.replace(base_url=f"http://127.0.0.1:{port}")
    settings = world.settings.replace(env="development")
    app = create_app(settings)
    db: Database = app.extensions["ardesk.db"]
    with db.admin_session() as s:
        ada = ar_users.add(s, "ada@supplier.example", "Ada Admin", ARRole.admin, PASSWORD)
        ar_users.enrol_totp(ada)
        ar_users.add(s, "gus@supplier.example", "Gus Agent", ARRole.agent, PASSWORD)
        secret = ada.totp_secret
    decisions = {
        "copy": handle(world, eml("outlook_invoice_copy_en.eml")),
        "news": handle(world, eml("newsletter_list.eml")),
        "dispute": handle(world, eml("dispute_pt.eml")),
        "balance": handle(world, eml("apple_balance_fr.eml")),
    }
    # Claire opens the links of her answer: that answer counts as deflected.
    claire = app.test_client()
    for link in decisions["balance"]["links"]:
        assert follow(claire, link["url"].rsplit("/l/", 1)[1]).status_code == 303
    server = local_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"app": app, "db": db, "world": world, "url": settings.base_url, "totp": secret,
           **decisions}  # fmt: skip
    server.shutdown()
    db.dispose()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def _sign_in(page, url: str, email: str, code: str = "") -> None:
    page.goto(f"{url}/ar/requests")
    page.wait_for_url(re.compile(r"/ar/sign-in"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if code:
        page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_works_the_console_end_to_end(browser, live):  # noqa: F811
    url, db = live["url"], live["db"]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)

    page.goto(f"{url}/ar/queue")
    page.wait_for_url(re.compile(r"/ar/sign-in\?next="))
    _shot(page, "1-sign-in")
    _sign_in(page, url, "ada@supplier.example", pyotp.TOTP(live["totp"]).now())
    page.wait_for_url(re.compile(r"/ar/requests$"))
    rows = page.locator("table.requests tbody tr")
    assert rows.count() == 4
    _shot(page, "2-requests")

    # The dashboard shows what core.deflection computes for the requests fed in.
    now = utcnow()
    with db.admin_session() as s:
        expected = figures(s, now - timedelta(days=29), now + timedelta(days=1), as_of=now,
                           window=timedelta(hours=72), minutes_per_request=5)  # fmt: skip
    page.get_by_role("link", name="Deflection").click()
    shown = page.inner_text("#rate").strip()
    assert shown == f"{expected.total.rate * 100:.1f} %"
    assert expected.total.received == 4 and expected.total.ignored == 1
    assert expected.total.deflected == 1  # Claire's; Karen's link was never opened
    _shot(page, "3-dashboard")

    # The hand-off: claim, answer, and the reply reaches the customer over SMTP.
    page.get_by_role("link", name="Queue").click()
    page.locator("table.queue tbody a").first.click()
    _shot(page, "4-handoff")
    page.get_by_role("button", name="Claim").click()
    assert page.inner_text(".assignee") == "Ada Admin"
    page.get_by_label("Your reply").fill("We checked invoice 10425; a credit note follows.")
    page.get_by_role("button", name="Send reply").click()
    assert "Reply queued to joao.silva@muehlbauer.example" in page.inner_text("main")
    _shot(page, "5-answered")
    with SmtpTestServer() as smtp:
        settings = db.settings.replace(smtp_url=smtp.url)
        deliver_due(db, settings, dispatch(settings))
        joao = ("joao.silva@muehlbauer.example",)
        texts = [m.message.get_body(preferencelist=("plain",)).get_content()
                 for m in smtp.messages if m.rcpt_tos == joao]  # fmt: skip
    assert any("a credit note follows." in text for text in texts)
    page.get_by_role("link", name="Queue").click()
    assert "Nothing waiting." in page.inner_text("main")

    # A customer follows Karen's link; AR revokes the account's links; the customer is refused.
    customer = browser.new_context().new_page()
    customer.goto(live["copy"]["links"][0]["url"])
    customer.get_by_role("button", name="Continue").click()
    customer.wait_for_url(re.compile(r"/invoices/\d+$"))
    assert "INV-10423" in customer.inner_text("h1")
    page.get_by_role("link", name="Accounts").click()
    page.get_by_label("Name or ERP id").fill("C1001")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Brookfield Precision Castings Ltd").click()
    _shot(page, "6-account-links")
    page.get_by_role("button", name="Revoke every link of this account").click()
    assert "link(s) revoked" in page.inner_text("main")
    customer.reload()
    assert "INV-10423" not in customer.inner_text("body")
    _shot(customer, "7-customer-refused")

    # The customer's session never opens the console.
    customer.goto(f"{url}/ar/requests")
    customer.wait_for_url(re.compile(r"/ar/sign-in"))

    page.get_by_role("navigation").get_by_role("link", name="Audit trail").click()
    page.get_by_label("Action").fill("link.revoke")
    page.get_by_role("button", name="Filter").click()
    assert "ar:ada@supplier.example" in page.inner_text("table.audit")
    _shot(page, "8-audit")

    # Ada shortens the link lifetime in the settings; the next link the bot issues has it.
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    row = page.locator("#setting-link_ttl")
    row.get_by_label("Link lifetime").fill("3h")
    row.get_by_role("button", name="Save").click()
    assert "Link lifetime is now 3h." in page.inner_text("main")
    assert "console" in page.locator("#setting-link_ttl .source").inner_text()
    _shot(page, "11-settings")
    page.get_by_role("link", name="Brand preview").click()
    assert "DE89 3704 0044 0532 0130 00" in page.inner_text("main")  # the demo brand's bank
    _shot(page, "13-brand")
    again = with_headers(
        eml("outlook_invoice_copy_en.eml"), Message_Id="<again@brookfield.example>"
    )
    assert len(handle(live["world"], again)["links"]) == 1
    with db.admin_session() as s:
        link = s.scalars(select(AccessLink).order_by(AccessLink.created_at.desc())).first()
        assert link.expires_at - link.created_at == timedelta(hours=3)
    # Ada takes view_payments from ap_contact: one change, stored and audited.
    page.get_by_role("navigation").get_by_role("link", name="Roles").click()
    page.get_by_label("ap_contact: view_payments").uncheck()
    page.get_by_role("button", name="Save").click()
    assert "1 change(s) saved." in page.inner_text("main")
    assert not page.get_by_label("ap_contact: view_payments").is_checked()
    _shot(page, "12-roles")
    with db.admin_session() as s:
        held = set(
            s.scalars(select(RolePermission.permission).where(RolePermission.role == "ap_contact"))
        )
        assert "view_payments" not in held and "download_documents" in held

    # Ada adds a contact to Brookfield, then deactivates them.
    page.get_by_role("navigation").get_by_role("link", name="Accounts").click()
    page.get_by_label("Name or ERP id").fill("C1001")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Brookfield Precision Castings Ltd").click()
    adding = page.locator("form", has=page.get_by_role("button", name="Add contact"))
    adding.get_by_label("Name").fill("Nadia Novak")
    adding.get_by_label("Email").fill("nadia.novak@brookfield.example")
    adding.get_by_label("Role").select_option("account_manager")
    adding.get_by_role("button", name="Add contact").click()
    assert "Contact added." in page.inner_text("main")
    nadia = page.locator("table.contacts tbody tr", has_text="nadia.novak@brookfield.example")
    assert "account_manager" in nadia.inner_text()
    nadia.get_by_role("button", name="Deactivate").click()
    assert "Contact deactivated" in page.inner_text("main")
    nadia = page.locator("table.contacts tbody tr", has_text="nadia.novak@brookfield.example")
    assert nadia.get_by_role("button", name="Reactivate").count() == 1
    with db.admin_session() as s:
        contact = s.scalars(
            select(Contact).where(Contact.email == "nadia.novak@brookfield.example")
        ).one()
        assert contact.active is False and contact.role == "account_manager"
        actions = set(
            s.scalars(
                select(AuditEvent.action).where(AuditEvent.actor == "ar:ada@supplier.example")
            )
        )
    assert {"role.revoke", "contact.add", "contact.deactivate", "link.revoke"} <= actions
    assert blocked == []
    context.close()


def test_an_agent_corrects_a_request_and_is_refused_on_admin_pages(browser, live):  # noqa: F811
    url = live["url"]
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, url, "gus@supplier.example")
    page.wait_for_url(re.compile(r"/ar/requests$"))
    response = page.goto(f"{url}/ar/users")
    assert response.status == 403
    _shot(page, "9-agent-refused")

    # Gus corrects the dispute the bot misread as a copy request; the bot answers from it.
    page.goto(f"{url}/ar/queue")
    page.locator("table.queue tbody a").first.click()
    page.locator("#correct input[name=intent][value=dispute]").uncheck()
    page.locator("#correct input[name=intent][value=invoice_copy]").check()
    page.get_by_label("Invoice numbers").fill("10425")
    page.get_by_role("button", name="Save and let the bot answer").click()
    assert "the bot answered from it" in page.inner_text("main")
    _shot(page, "10-corrected")
    db = live["db"]
    with SmtpTestServer() as smtp:
        settings = db.settings.replace(smtp_url=smtp.url)
        deliver_due(db, settings, dispatch(settings))
        joao = ("joao.silva@muehlbauer.example",)
        bodies = [m.message.get_body(preferencelist=("plain",)).get_content()
                  for m in smtp.messages if m.rcpt_tos == joao]  # fmt: skip
    # The dispute's acknowledgement ("Encaminhámos…") and the answer from the corrected reading.
    assert len(bodies) == 2
    (answer,) = [body for body in bodies if "Encaminhámos" not in body]
    assert "10425" in answer and "/l/" in answer

    other = browser.new_context().new_page()
    _sign_in(other, url, "ada@supplier.example", "000000")
    assert "Wrong email, password or code" in other.inner_text("main")
    with live["db"].admin_session() as s:
        assert s.scalar(select(ARUser.failed_sign_ins).where(ARUser.email.like("ada@%"))) == 1
        assert s.scalar(select(InboundMessage.id).limit(1)) is not None
    context.close()
