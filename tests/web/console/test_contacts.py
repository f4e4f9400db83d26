"""Contacts managed from the console by admins: add, edit, deactivate (which revokes the
contact's links) and reactivate — each audited; agents may not. And where an account's people
ask in chat."""

from __future__ import annotations

from sqlalchemy import select

from core.models import AuditEvent, ChatMapping, ChatPlace, Contact, LinkScope
from tests.web.conftest import csrf_token, follow, issue_link


def _post(client, path: str, **form):
    token = csrf_token(client.get("/ar/accounts").text)
    return client.post(path, data={"csrf_token": token, **form})


def _events(db, action: str) -> list[AuditEvent]:
    with db.admin_session() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_admin_adds_a_contact_and_a_wrong_one_is_refused(db, admin, world):
    added = _post(admin, f"/ar/accounts/{world.alice}/contacts", name="Carl Credit",
                  email="Carl@Alice.example", role="finance_approver", language="de")  # fmt: skip
    assert added.status_code == 303
    page = admin.get(f"/ar/accounts/{world.alice}").text
    assert "Carl Credit" in page and "carl@alice.example" in page
    [event] = _events(db, "contact.add")
    assert event.actor == "ar:ada@supplier.example" and event.account_id == world.alice
    assert event.detail == {"role": "finance_approver", "language": "de"}
    for bad in ({"email": "not-an-address"}, {"email": "carl@alice.example"}, {"role": "boss"}):
        form = {"name": "X", "email": "x@alice.example", "role": "ap_contact", **bad}
        _post(admin, f"/ar/accounts/{world.alice}/contacts", **form)
    with db.admin_session() as s:
        assert s.scalar(select(Contact).where(Contact.name == "X")) is None
    assert len(_events(db, "contact.add")) == 1


def test_an_admin_edits_a_contacts_role_and_language(db, admin, world):
    path = f"/ar/accounts/{world.alice}/contacts/{world.manager}"
    assert admin.get(path).status_code == 200
    saved = _post(admin, path, name="Maria Manager", role="ap_contact", language="fr")
    assert saved.status_code == 303
    with db.admin_session() as s:
        contact = s.get(Contact, world.manager)
        assert (contact.name, contact.role, contact.language) == (
            "Maria Manager",
            "ap_contact",
            "fr",
        )
        assert contact.email == "am@alice.example"  # the address never changes
    [event] = _events(db, "contact.edit")
    assert event.detail["fields"] == ["language", "name", "role"]
    # Another account's contact is not reachable through this account.
    assert admin.get(f"/ar/accounts/{world.bob}/contacts/{world.manager}").status_code == 404


def test_deactivating_a_contact_revokes_their_links(db, app, admin, world):
    customer = app.test_client()
    customer.environ_base["wsgi.url_scheme"] = "https"
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    assert follow(customer, link.token).status_code == 303
    assert customer.get("/invoices").status_code == 200
    path = f"/ar/accounts/{world.alice}/contacts/{world.alice_contact}/active"
    assert _post(admin, path, active="0").status_code == 303
    assert customer.get("/invoices").status_code != 200
    with db.admin_session() as s:
        assert s.get(Contact, world.alice_contact).active is False
    [event] = _events(db, "contact.deactivate")
    assert event.detail == {"links_revoked": 1}
    _post(admin, path, active="1")
    with db.admin_session() as s:
        assert s.get(Contact, world.alice_contact).active is True
    assert len(_events(db, "contact.activate")) == 1


def test_agents_cannot_manage_contacts(db, agent, world):
    page = agent.get(f"/ar/accounts/{world.alice}").text
    assert "Add a contact" not in page and "Deactivate" not in page
    base = f"/ar/accounts/{world.alice}/contacts"
    assert (
        _post(agent, base, name="X", email="x@alice.example", role="ap_contact").status_code == 403
    )
    assert agent.get(f"{base}/{world.manager}").status_code == 403
    assert _post(agent, f"{base}/{world.manager}/active", active="0").status_code == 403
    with db.admin_session() as s:
        assert s.get(Contact, world.manager).active is True


def test_a_change_without_the_csrf_token_is_refused(db, admin, world):
    path = f"/ar/accounts/{world.alice}/contacts/{world.manager}/active"
    assert admin.post(path, data={"active": "0"}).status_code == 400
    with db.admin_session() as s:
        assert s.get(Contact, world.manager).active is True


def test_the_account_page_shows_where_its_people_ask_in_chat(db, agent, world):
    with db.admin_session() as s:
        s.add(
            ChatMapping(place=ChatPlace.slack_team, external_id="T0ALICE01", account_id=world.alice)
        )
        s.add(
            ChatMapping(
                place=ChatPlace.slack_channel, external_id="C0SHARED", account_id=world.alice
            )
        )
        s.add(
            ChatMapping(
                place=ChatPlace.teams_tenant, external_id="tenant-bob", account_id=world.bob
            )
        )

    alice = agent.get(f"/ar/accounts/{world.alice}").text
    bob = agent.get(f"/ar/accounts/{world.bob}").text

    assert "T0ALICE01" in alice and "Slack workspace: all its users" in alice
    assert "C0SHARED" in alice and "only this account answers there" in alice
    assert "tenant-bob" not in alice
    assert "tenant-bob" in bob and "Teams tenant: all its users" in bob and "T0ALICE01" not in bob
