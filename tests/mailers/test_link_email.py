"""The email carrying a fresh link: per purpose, in the contact's language, queued not sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import links
from core.links import IssuedLink, LinkSigner
from core.models import LinkScope, OutboundMessage, OutboundStatus
from mailers import compose_link_email, queue_link_email
from mailers.brand import DEFAULT_BRAND
from tests.mailers.samples import EXPIRES, NOW
from tests.support import builders

LINK = IssuedLink("id1", "tok", "https://ar.supplier.example/l/tok", LinkScope.portal, EXPIRES, {})


def compose(purpose: str, language: str = "en"):
    return compose_link_email(
        "Anna Weber",
        language,
        LINK,
        purpose,
        brand=DEFAULT_BRAND,
        from_address="ar@supplier.example",
        to_address="anna@customer.example",
        now=NOW,
    )


@pytest.mark.parametrize(
    ("purpose", "subject", "says"),
    [
        ("portal", "Your link to all your invoices", "here is your personal link"),
        ("fresh", "Your new link", "The link you used has expired."),
        ("login", "Your sign-in link", "Use this link to sign in."),
    ],
)
def test_each_purpose_explains_itself(purpose, subject, says):
    message = compose(purpose)
    text = message.get_body(("plain",)).get_content()
    sentences = " ".join(text.split("\n"))  # the text part is wrapped at 76 columns
    assert message["Subject"] == subject
    assert says in sentences
    assert "https://ar.supplier.example/l/tok" in text.splitlines()
    assert "valid for 48 hours" in text
    assert "the link was sent only to you" in sentences
    assert message["Auto-Submitted"] == "auto-generated"


def test_it_speaks_the_contacts_language():
    message = compose("login", "de")
    assert message["Subject"] == "Ihr Anmeldelink"
    assert "Aus Sicherheitsgründen ist dieser Link 48 Stunden gültig" in " ".join(
        message.get_body(("plain",)).get_content().split("\n")
    )


def test_an_unknown_purpose_is_refused():
    with pytest.raises(ValueError, match="unknown link email purpose"):
        compose("newsletter")


def test_queue_link_email_queues_it_for_the_address_on_file_in_the_preferred_language(db):
    settings = db.settings.replace(from_address="ar@s.example")
    with db.admin_session() as session:
        account = builders.account(session, "C-1", "Müller Maschinenbau GmbH")
        contact = builders.contact(
            session, account, "anna@customer.example", name="Anna Weber", language="fr"
        )
        issued = links.issue(
            session,
            LinkSigner(settings.secret_key),
            settings.base_url,
            contact,
            LinkScope.portal,
            ttl=timedelta(hours=48),
        )
        queue_link_email(session, settings, contact, issued, "portal")
        account_id = account.id

    with db.admin_session() as session:
        row = session.scalars(select(OutboundMessage)).one()
        assert row.status is OutboundStatus.pending
        assert row.recipient == "anna@customer.example"
        assert row.account_id == account_id
        assert row.subject == "Votre lien vers toutes vos factures"
        assert issued.url.encode() in row.payload.replace(b"=\r\n", b"")
