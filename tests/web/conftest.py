"""Fixtures for the portal: the app on a fresh database, two customers, and a link follower."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core import links
from core.db import Database
from core.models import Contact, LinkScope
from tests.support import builders as b
from web import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def portal_settings(settings, **changes: str):
    return settings.replace(from_address="ar@supplier.example", **changes)


@pytest.fixture
def app(db: Database) -> Iterator[Flask]:
    application = create_app(portal_settings(db.settings))
    yield application
    application.extensions["ardesk.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    # HTTPS: outside development the session cookie is Secure, as in production.
    return https_client(app)


def https_client(app: Flask) -> FlaskClient:
    browser = app.test_client()
    browser.environ_base["wsgi.url_scheme"] = "https"
    return browser


@dataclass
class World:
    """Alice Manufacturing and Bob Logistics, each with a contact, invoices and a payment."""

    alice: int
    bob: int
    alice_contact: int
    bob_contact: int
    manager: int  # Alice's account manager: may view, may not download
    approver: int  # Alice's finance approver: may raise disputes
    invoices: dict[str, int]


@pytest.fixture
def world(db: Database) -> World:
    with db.admin_session() as s:
        alice = b.account(s, "A1", "Alice Manufacturing")
        bob = b.account(s, "B1", "Bob Logistics")
        alice_ap = b.contact(s, alice, "ap@alice.example", name="Ann Alice")
        manager = b.contact(s, alice, "am@alice.example", role="account_manager")
        approver = b.contact(s, alice, "fa@alice.example", role="finance_approver")
        bob_ap = b.contact(s, bob, "ap@bob.example")
        invoices = {}
        for acc, prefix in ((alice, "A"), (bob, "B")):
            first = b.invoice(
                s, acc, f"{prefix}-100", "1234.56", issued=date(2026, 1, 5),
                due=date(2026, 2, 4), tax="197.11", po=f"PO-{prefix}1",
            )  # fmt: skip
            second = b.invoice(
                s, acc, f"{prefix}-101", "200.00", issued=date(2026, 2, 6), due=date(2026, 3, 8)
            )
            b.payment(
                s, acc, f"{prefix}-PAY", "200.00", received=date(2026, 3, 1),
                allocations={second: "200.00"},
            )  # fmt: skip
            invoices[first.number], invoices[second.number] = first.id, second.id
        return World(alice.id, bob.id, alice_ap.id, bob_ap.id, manager.id, approver.id, invoices)


def issue_link(
    app: Flask, contact_id: int, scope: LinkScope, targets: dict | None = None, **kw
) -> links.IssuedLink:
    db: Database = app.extensions["ardesk.db"]
    with db.admin_session() as s:
        contact = s.get(Contact, contact_id)
        return links.issue(
            s,
            app.extensions["ardesk.signer"],
            app.extensions["ardesk.settings"].base_url,
            contact,
            scope,
            ttl=kw.pop("ttl", timedelta(hours=48)),
            targets=targets,
            **kw,
        )


def csrf_token(page_text: str) -> str:
    match = CSRF.search(page_text)
    assert match, "the page has no CSRF token"
    return match.group(1)


def follow(client: FlaskClient, token: str):
    """What a person does with an emailed link: open it, then press Continue."""
    page = client.get(f"/l/{token}")
    if page.status_code != 200:
        return page
    return client.post(f"/l/{token}", data={"csrf_token": csrf_token(page.text)})


def open_portal(app: Flask, client: FlaskClient, contact_id: int, **kw):
    link = issue_link(app, contact_id, LinkScope.portal, **kw)
    response = follow(client, link.token)
    assert response.status_code == 303
    return link
