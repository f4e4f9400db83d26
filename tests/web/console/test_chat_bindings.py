"""Chat identities of contacts and chat places of accounts, edited by admins in the console: each
id in its platform's format, never one that belongs to someone else, each change audited."""

from __future__ import annotations

from sqlalchemy import select

from core.models import AuditEvent, ChatMapping, ChatPlace, Contact
from tests.support import builders as b
from tests.web.conftest import csrf_token

TENANT = "6f2a0c7e-1b3d-4e5f-8a9b-0c1d2e3f4a5b"
USER = "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9"


def _post(client, path: str, **form):
    token = csrf_token(client.get("/ar/accounts").text)
    return client.post(path, data={"csrf_token": token, **form})


def _identity(db, contact_id: int) -> tuple:
    with db.admin_session() as s:
        c = s.get(Contact, contact_id)
        return c.slack_team_id, c.slack_user_id, c.teams_tenant_id, c.teams_user_id


def _events(db, action: str) -> list[AuditEvent]:
    with db.admin_session() as s:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(s.scalars(query))


def test_an_admin_sets_and_removes_a_contacts_chat_identities(db, admin, world):
    base = f"/ar/accounts/{world.alice}/contacts/{world.manager}"
    assert "Chat identities" in admin.get(base).text
    saved = _post(admin, f"{base}/chat/slack", workspace=" t0alice01 ", user="u0maria")
    assert saved.status_code == 303
    _post(admin, f"{base}/chat/teams", workspace=TENANT.upper(), user=USER)
    assert _identity(db, world.manager) == ("T0ALICE01", "U0MARIA", TENANT, USER)
    page = admin.get(base).text
    assert 'value="U0MARIA"' in page and f'value="{TENANT}"' in page

    _post(admin, f"{base}/chat/slack", remove="1")
    assert _identity(db, world.manager) == (None, None, TENANT, USER)

    events = _events(db, "contact.chat_identity")
    assert [(e.detail["platform"], e.detail["change"]) for e in events] == [
        ("slack", "set"), ("teams", "set"), ("slack", "removed"),
    ]  # fmt: skip
    assert {e.actor for e in events} == {"ar:ada@supplier.example"}
    assert events[0].detail["workspace"] == "T0ALICE01" and events[0].contact_id == world.manager
    # The user id stays out of the append-only trail: it outlives a contact forgotten on request.
    assert not any("U0MARIA" in str(e.detail) or USER in str(e.detail) for e in events)


def test_ids_not_in_their_platforms_format_are_refused(db, admin, world):
    base = f"/ar/accounts/{world.alice}/contacts/{world.manager}/chat"
    for platform, form, message in (
        ("slack", {"workspace": "alice", "user": "U0MARIA"}, "not a Slack team id"),
        ("slack", {"workspace": "T0ALICE", "user": "maria@alice.example"}, "not a Slack user id"),
        ("slack", {"workspace": "T0ALICE", "user": ""}, "needs both its workspace and its user"),
        ("teams", {"workspace": "contoso.onmicrosoft.com", "user": USER}, "not a Teams tenant"),
        ("teams", {"workspace": TENANT, "user": "maria"}, "not an Entra ID object id"),
    ):
        refused = _post(admin, f"{base}/{platform}", **form)
        assert message in admin.get(refused.headers["Location"]).text
    assert _identity(db, world.manager) == (None, None, None, None)
    assert _events(db, "contact.chat_identity") == []


def test_an_identity_of_another_person_or_another_accounts_workspace_is_refused(db, admin, world):
    with db.admin_session() as s:
        s.get(Contact, world.approver).slack_team_id = "T0ALICE"
        s.get(Contact, world.approver).slack_user_id = "U0FRIDA"
        s.add(ChatMapping(place=ChatPlace.slack_team, external_id="T0BOB", account_id=world.bob))
        # The same person (one address) at Bob's: a shared-service AP team.
        bob = s.get(Contact, world.bob_contact).account
        shared = b.contact(s, bob, "fa@alice.example", role="finance_approver").id
    base = f"/ar/accounts/{world.alice}/contacts/{world.manager}/chat/slack"
    taken = _post(admin, base, workspace="T0ALICE", user="U0FRIDA")
    assert (
        "belongs to a contact with another address (account A1)"
        in admin.get(taken.headers["Location"]).text
    )
    elsewhere = _post(admin, base, workspace="T0BOB", user="U0MARIA")
    assert "bound to another account (B1)" in admin.get(elsewhere.headers["Location"]).text
    assert _identity(db, world.manager) == (None, None, None, None)

    same_person = f"/ar/accounts/{world.bob}/contacts/{shared}/chat/slack"
    _post(admin, same_person, workspace="T0ALICE", user="U0FRIDA")
    assert _identity(db, shared)[:2] == ("T0ALICE", "U0FRIDA")


def test_an_admin_binds_and_unbinds_the_accounts_chat_places(db, admin, world):
    places = f"/ar/accounts/{world.alice}/chat-places"
    assert _post(admin, places, place="slack_team", external_id="t0alice01").status_code == 303
    _post(admin, places, place="slack_channel", external_id="C0SHARED")
    _post(admin, places, place="teams_tenant", external_id=TENANT)
    page = admin.get(f"/ar/accounts/{world.alice}").text
    assert "T0ALICE01" in page and "C0SHARED" in page and TENANT in page

    # Places are one account's: Bob cannot have Alice's, nor a typo.
    bob_places = f"/ar/accounts/{world.bob}/chat-places"
    taken = _post(admin, bob_places, place="slack_channel", external_id="C0SHARED")
    assert "bound already, to account A1" in admin.get(taken.headers["Location"]).text
    typo = _post(admin, bob_places, place="teams_tenant", external_id="not-a-tenant")
    assert "not a Teams tenant id" in admin.get(typo.headers["Location"]).text
    # Nor a workspace where Alice's people are known: they would no longer be answered there.
    with db.admin_session() as s:
        s.get(Contact, world.manager).slack_team_id = "T0MIXED"
        s.get(Contact, world.manager).slack_user_id = "U0MARIA"
    mixed = _post(admin, bob_places, place="slack_team", external_id="T0MIXED")
    assert "contacts of other accounts (A1)" in admin.get(mixed.headers["Location"]).text

    with db.admin_session() as s:
        mappings = {m.external_id: m for m in s.scalars(select(ChatMapping))}
    assert {m.account_id for m in mappings.values()} == {world.alice}
    channel = mappings["C0SHARED"]
    assert _post(admin, f"{places}/{channel.id}/remove").status_code == 303
    assert "C0SHARED" not in admin.get(f"/ar/accounts/{world.alice}").text

    added = _events(db, "chat_mapping_added")
    assert [(e.target, e.detail["place"]) for e in added] == [
        ("T0ALICE01", "slack_team"), ("C0SHARED", "slack_channel"), (TENANT, "teams_tenant"),
    ]  # fmt: skip
    [removed] = _events(db, "chat_mapping_removed")
    assert (removed.target, removed.actor) == ("C0SHARED", "ar:ada@supplier.example")
    # Another account's binding is not reachable through this one.
    tenant = mappings[TENANT].id
    assert _post(admin, f"/ar/accounts/{world.bob}/chat-places/{tenant}/remove").status_code == 404


def test_agents_see_the_bindings_but_cannot_change_them(db, agent, world):
    with db.admin_session() as s:
        s.add(ChatMapping(place=ChatPlace.slack_team, external_id="T0A", account_id=world.alice))
        mapping = s.scalar(select(ChatMapping)).id
    page = agent.get(f"/ar/accounts/{world.alice}").text
    assert "T0A" in page and "Bind a chat place" not in page
    account = f"/ar/accounts/{world.alice}"
    contact = f"{account}/contacts/{world.manager}/chat/slack"
    assert _post(agent, contact, workspace="T0A", user="U0X").status_code == 403
    assert _post(agent, f"{account}/chat-places", place="slack_team",
                 external_id="T0B").status_code == 403  # fmt: skip
    assert _post(agent, f"{account}/chat-places/{mapping}/remove").status_code == 403
    with db.admin_session() as s:
        assert [m.external_id for m in s.scalars(select(ChatMapping))] == ["T0A"]
    assert _identity(db, world.manager) == (None, None, None, None)


def test_a_binding_without_the_csrf_token_is_refused(db, admin, world):
    posted = admin.post(f"/ar/accounts/{world.alice}/chat-places",
                        data={"place": "slack_team", "external_id": "T0ALICE"})  # fmt: skip
    assert posted.status_code == 400
    with db.admin_session() as s:
        assert s.scalar(select(ChatMapping)) is None
