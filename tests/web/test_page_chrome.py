"""The header's links and the footer are rendered once per menu, brand and language
(``web/fragments.py``): each visitor still gets the links their role and link allow, in their
language."""

from __future__ import annotations

from flask import url_for

from core.models import LinkScope
from tests.web.conftest import follow, https_client, issue_link, open_portal


def _links(app, page: str) -> dict[str, bool]:
    with app.test_request_context():
        targets = {
            "overview": url_for("portal.overview"),
            "invoices": url_for("portal.invoices"),
            "statements": url_for("portal.statements"),
            "payments": url_for("portal.payments"),
        }
    header = page.split("</header>")[0]
    return {name: f'href="{href}"' in header for name, href in targets.items()}


def test_each_visitor_gets_the_menu_of_their_role_and_link(app, world):
    contact, manager, scoped = https_client(app), https_client(app), https_client(app)
    open_portal(app, contact, world.alice_contact)
    open_portal(app, manager, world.manager)
    every = dict.fromkeys(("overview", "invoices", "statements", "payments"), True)
    assert _links(app, contact.get("/invoices").text) == every
    # The account manager may not see payments: no link, though the contact's header is kept.
    assert _links(app, manager.get("/invoices").text) == {**every, "payments": False}
    assert _links(app, contact.get("/invoices").text) == every
    # A link to some documents opens no menu at all.
    follow(scoped, issue_link(app, world.alice_contact, LinkScope.list, {"status": "open"}).token)
    assert not any(_links(app, scoped.get("/invoices?status=open").text).values())


def test_the_menu_and_footer_speak_the_visitors_language(app, client, world):
    open_portal(app, client, world.alice_contact)
    english = client.get("/invoices", headers={"Accept-Language": "en"}).text
    german = client.get("/invoices", headers={"Accept-Language": "de"}).text
    assert ">Payments</a>" in english and ">Check a document</a>" in english
    assert ">Payments</a>" not in german and ">Check a document</a>" not in german
    assert ">Zahlungen</a>" in german
