"""Signed links: what a token opens, and every way it can be refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import links
from core.errors import InvalidInput
from core.links import LinkRefused, LinkSigner
from core.models import AuditEvent, LinkScope, utcnow
from tests.support import builders as b
from tests.support.tokens import tampered

SIGNER = LinkSigner("k" * 40)
BASE = "https://billing.example"


@pytest.fixture
def people(db):
    with db.admin_session() as s:
        acme = b.account(s, "A1", "Acme")
        other = b.account(s, "B1", "Other")
        alice = b.contact(s, acme, "alice@acme.example")
        carol = b.contact(s, acme, "carol@acme.example")
        bob = b.contact(s, other, "bob@other.example")
        invoice = b.invoice(s, acme, "INV-1", "10.00", issued=date(2026, 1, 1))
        return {"alice": alice, "carol": carol, "bob": bob, "invoice": invoice.id}


def _issue(db, contact, scope=LinkScope.portal, **kw):
    with db.admin_session() as s:
        return links.issue(
            s, SIGNER, BASE, contact, scope, ttl=kw.pop("ttl", timedelta(hours=48)), **kw
        )


def test_it_issues_a_link_that_opens_what_it_names(db, people):
    issued = _issue(
        db, people["alice"], LinkScope.invoice, targets={"invoice_ids": [people["invoice"]]}
    )
    assert issued.url == f"{BASE}/l/{issued.token}"
    assert issued.id not in issued.token.split(".")[-1]  # the signature is not the id
    with db.admin_session() as s:
        link = links.use(s, SIGNER, issued.token)
        assert (link.scope, link.targets, link.uses) == (
            LinkScope.invoice,
            {"invoice_ids": [people["invoice"]]},
            1,
        )
        assert link.contact_id == people["alice"].id
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "link.issue")).one()
        assert audit.link_id == issued.id and audit.contact_id == people["alice"].id
        assert issued.token not in str(audit.detail)  # tokens never reach the audit trail


def test_it_refuses_a_tampered_token(db, people):
    issued = _issue(db, people["alice"])
    _payload, timestamp, signature = issued.token.split(".")
    other = _issue(db, people["bob"])
    forged = ".".join([other.token.split(".")[0], timestamp, signature])
    for token in (forged, tampered(issued.token), "not-a-token", ""):
        with db.admin_session() as s, pytest.raises(LinkRefused) as refused:
            links.check(s, SIGNER, token)
        assert refused.value.reason == "tampered"
    with db.admin_session() as s, pytest.raises(LinkRefused, match="tampered"):
        links.check(s, LinkSigner("another-secret" * 3), issued.token)


def test_it_refuses_an_expired_link_but_keeps_the_row_for_a_fresh_one(db, people):
    issued = _issue(db, people["alice"], ttl=timedelta(minutes=5))
    with db.admin_session() as s:
        later = utcnow() + timedelta(minutes=6)
        with pytest.raises(LinkRefused) as refused:
            links.check(s, SIGNER, issued.token, now=later)
        assert refused.value.reason == "expired"
        assert refused.value.link.contact_id == people["alice"].id  # whom to send a new one


def test_it_refuses_a_token_older_than_any_link_may_live(db, people, monkeypatch):
    issued = _issue(db, people["alice"])
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + links.MAX_TTL.total_seconds() + 60)
    with db.admin_session() as s, pytest.raises(LinkRefused, match="expired"):
        links.check(s, SIGNER, issued.token)


def test_it_counts_uses_and_refuses_an_exhausted_link(db, people):
    issued = _issue(db, people["alice"], max_uses=2)
    for _ in range(2):
        with db.admin_session() as s:
            links.use(s, SIGNER, issued.token)
    with db.admin_session() as s, pytest.raises(LinkRefused, match="exhausted"):
        links.use(s, SIGNER, issued.token)


def test_it_revokes_one_link_a_contacts_or_a_whole_accounts(db, people):
    a1 = _issue(db, people["alice"])
    a2 = _issue(db, people["alice"])
    c1 = _issue(db, people["carol"])
    b1 = _issue(db, people["bob"])
    with db.admin_session() as s:
        assert links.revoke(s, [s.get(links.AccessLink, a1.id)], by="ar:dana") == 1
    with db.admin_session() as s:
        active = links.active_links(s, contact_id=people["alice"].id)
        assert [link.id for link in active] == [a2.id]
        acme = people["alice"].account_id
        assert links.revoke(s, links.active_links(s, account_id=acme), by="ar:dana") == 2
    for token in (a1.token, a2.token, c1.token):
        with db.admin_session() as s, pytest.raises(LinkRefused, match="revoked"):
            links.check(s, SIGNER, token)
    with db.admin_session() as s:
        assert links.check(s, SIGNER, b1.token).contact_id == people["bob"].id  # untouched
        revocations = s.scalars(select(AuditEvent).where(AuditEvent.action == "link.revoke"))
        assert len(revocations.all()) == 3


def test_it_refuses_links_without_targets_or_with_absurd_lifetimes(db, people):
    with pytest.raises(InvalidInput):
        _issue(db, people["alice"], LinkScope.invoice, targets={})
    with pytest.raises(InvalidInput):
        _issue(db, people["alice"], ttl=timedelta(days=90))
