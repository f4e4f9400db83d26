"""Teams end to end: activities with tokens signed by the test's own keys (served to the SDK's
validator through its key-source seam), the worker decides, the outbox delivers through the SDK's
connector client to a local connector at the activity's serviceUrl."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bot.channels.teams.app import teams_app
from bot.worker import Worker
from core.models import ChatMapping, ChatPlace, Contact, InboundMessage
from tests.bot.fake_teams import FakeMicrosoft
from tests.bot.teams_support import (
    APP_ID,
    CUSTOMER_TENANT,
    TENANT,
    LoopbackApp,
    TokenKeys,
    activity,
)
from tests.support.smtp_server import SmtpTestServer

KAREN_EMAIL = "karen.whitlock@brookfield.example"
KAREN_AAD = "aaaaaaaa-0000-0000-0000-00000000000k"
SERVICE = "https://localhost:9/teams"  # a connector URL where none is needed


@pytest.fixture
def keys() -> TokenKeys:
    return TokenKeys()


@pytest.fixture
def microsoft(tmp_path, monkeypatch) -> Iterator[FakeMicrosoft]:
    with FakeMicrosoft(APP_ID, "test-app-password", tmp_path) as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.cert))  # MSAL trusts the test's CA
        monkeypatch.setenv("SSL_CERT_FILE", str(fake.cert))  # and so does the connector client
        fake.members[f"29:user-{KAREN_AAD}"] = {
            "id": f"29:user-{KAREN_AAD}",
            "aadObjectId": KAREN_AAD,
            "email": "karen.whitlock@brookfield.example",
            "userPrincipalName": "karen.whitlock@brookfield.example",
        }
        yield fake


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def teams(world, keys, microsoft, smtp) -> Iterator[LoopbackApp]:
    world.settings = world.settings.replace(
        teams_app_id=APP_ID,
        teams_app_password="test-app-password",
        teams_tenant_id=TENANT,
        teams_authority=microsoft.authority,
        teams_service_hosts="localhost",  # the local connector
        smtp_url=smtp.url,
    )
    with LoopbackApp(teams_app(world, world.settings, key_source=keys)) as served:
        yield served


def _ask(teams, keys, microsoft, text: str, **kw) -> dict:
    body = activity(text, service_url=microsoft.service_url, aad=kw.pop("aad", KAREN_AAD), **kw)
    microsoft.conversations.add(body["conversation"]["id"])
    assert _post(teams, body, keys.token(microsoft.service_url)).status_code == 202
    return body


def _post(teams: LoopbackApp, body: dict, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{teams.url}/api/messages", json=body, headers=headers, timeout=10)


def _inbox(db) -> list[InboundMessage]:
    with db.admin_session() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_a_message_with_a_valid_token_is_stored_once(teams, keys, world):
    body = activity("what is our balance?", service_url=SERVICE, aad=KAREN_AAD)
    assert _post(teams, body, keys.token(SERVICE)).status_code == 202
    assert _post(teams, body, keys.token(SERVICE)).status_code == 202  # a redelivery
    [row] = _inbox(world)
    assert row.channel == "teams" and row.sender == f"teams:{CUSTOMER_TENANT}/{KAREN_AAD}"
    # The SDK chose Bot Framework's key URL for Bot Framework's issuer.
    assert keys.asked[0] == "https://login.botframework.com/v1/.well-known/keys"


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iss": "https://sts.evil.example/"}, id="wrong issuer"),
        pytest.param(
            {"iss": f"https://login.microsoftonline.com/{CUSTOMER_TENANT}/v2.0"},
            id="another tenant's issuer",
        ),
        pytest.param(
            {"iss": f"https://login.microsoftonline.com/{TENANT}/v2.0", "tid": CUSTOMER_TENANT},
            id="tenant not the issuer's",
        ),
        pytest.param({"aud": "someone-elses-bot"}, id="wrong audience"),
        pytest.param({"exp": int(time.time()) - 3600}, id="expired"),
    ],
)
def test_a_bad_token_is_refused_and_nothing_is_stored(teams, keys, world, claims):
    body = activity("what is our balance?", service_url=SERVICE, aad=KAREN_AAD)
    assert _post(teams, body, keys.token(SERVICE, **claims)).status_code == 401
    assert _inbox(world) == []


def test_no_token_or_a_foreign_key_is_refused(teams, world):
    body = activity("what is our balance?", service_url=SERVICE, aad=KAREN_AAD)
    assert _post(teams, body, None).status_code == 401
    assert _post(teams, body, TokenKeys().token(SERVICE)).status_code == 401  # same kid, other key
    assert _inbox(world) == []


def test_a_token_for_another_service_url_is_refused(teams, keys, world):
    body = activity("balance", service_url=SERVICE, aad=KAREN_AAD)
    assert _post(teams, body, keys.token("https://smba.elsewhere.example/")).status_code == 401
    assert _inbox(world) == []


def _work(db) -> None:
    Worker(db, db.settings).run_once(intake=False)


def test_a_personal_chat_is_answered_in_place_with_an_adaptive_card(teams, keys, microsoft, world):
    asked = _ask(teams, keys, microsoft, "could you send me a copy of invoice INV-10423?")
    _work(world)
    [sent] = microsoft.sent
    assert (sent.conversation, sent.reply_to) == (asked["conversation"]["id"], asked["id"])
    assert "INV-10423" in sent.activity["text"] and "INV-10424" not in sent.activity["text"]
    [row] = _inbox(world)
    assert sent.buttons == [row.decision["links"][0]["url"]]
    assert microsoft.token_requests >= 1  # the bot's own token, from Entra ID (faked)
    with world.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.teams_user_id == KAREN_AAD))
        assert (karen.email, karen.teams_tenant_id) == (
            "karen.whitlock@brookfield.example",
            CUSTOMER_TENANT,
        )


def test_a_balance_asked_in_a_channel_goes_to_a_one_to_one_chat(teams, keys, microsoft, world):
    asked = _ask(
        teams, keys, microsoft, "<at>ardesk</at> what is our balance?", conversation_type="channel"
    )
    _work(world)
    [sent] = microsoft.sent
    assert sent.conversation != asked["conversation"]["id"]
    assert sent.conversation == f"a:1on1-29:user-{KAREN_AAD}"
    assert "1,690.00" in sent.activity["text"]


def test_a_user_of_a_tenant_bound_to_another_account_gets_nothing(teams, keys, microsoft, world):
    from core.directory import find_account

    with world.admin_session() as s:
        outsider = find_account(s, "C3003").id
        s.add(
            ChatMapping(
                place=ChatPlace.teams_tenant, external_id=CUSTOMER_TENANT, account_id=outsider
            )
        )
    _ask(teams, keys, microsoft, "copy of invoice INV-10423")
    _work(world)
    [sent] = microsoft.sent
    assert "INV-10423" not in sent.activity["text"] and not sent.buttons
    [row] = _inbox(world)
    assert row.decision["sender"]["accounts"] == [] and row.decision["links"] == []


def test_teams_gives_the_same_answers_and_links_as_email(teams, keys, microsoft, world):
    from tests.bot.conftest import eml
    from tests.bot.support import handle
    from tests.bot.test_channels import _comparable

    by_email = handle(world, eml("outlook_invoice_copy_en.eml"))
    _ask(teams, keys, microsoft, "Could you send me a copy of invoice INV-10423 please?")
    _work(world)
    with world.admin_session() as s:
        by_teams = s.scalars(select(InboundMessage).where(InboundMessage.channel == "teams")).one()
    assert _comparable(by_teams.decision) == _comparable(by_email)


def test_the_card_button_opens_the_invoice_in_the_portal(teams, keys, microsoft, world):
    from tests.web.conftest import follow
    from web import create_app

    _ask(teams, keys, microsoft, "please send me invoice INV-10423")
    _work(world)
    [url] = microsoft.sent[0].buttons
    client = create_app(world.settings).test_client()
    landed = follow(client, url.rpartition("/l/")[2])
    assert landed.status_code in (302, 303)
    page = client.get(landed.headers["Location"])
    assert page.status_code == 200 and "INV-10423" in page.text


def test_a_user_without_an_entra_id_object_id_gets_no_data(teams, keys, microsoft, world):
    body = activity("what is our balance?", service_url=microsoft.service_url, aad=KAREN_AAD)
    del body["from"]["aadObjectId"]  # the member look-up would still find Karen's address
    microsoft.conversations.add(body["conversation"]["id"])
    assert _post(teams, body, keys.token(microsoft.service_url)).status_code == 202
    _work(world)
    [sent] = microsoft.sent
    assert "1,690.00" not in sent.activity["text"]
    [row] = _inbox(world)
    assert row.decision["sender"]["accounts"] == []


def test_it_says_not_found_for_another_accounts_invoice(teams, keys, microsoft, world):
    _ask(teams, keys, microsoft, "copy of invoice INV-99999")
    _work(world)
    [sent] = microsoft.sent
    assert "could not find INV-99999 on your account" in sent.activity["text"]
    assert not sent.buttons


@pytest.mark.parametrize("failpoint", ["after_decide", "after_send"])
def test_a_worker_killed_between_decide_and_deliver_sends_exactly_one_reply(
    teams, keys, microsoft, world, failpoint
):
    from bot.failpoints import EXIT_CODE
    from core.models import OutboundMessage
    from tests.bot.test_email_end_to_end import _worker_once

    _ask(teams, keys, microsoft, "what is our balance?")
    assert _worker_once(world, failpoint) == EXIT_CODE
    if failpoint == "after_send":
        with world.admin_session() as s:  # let the interrupted send's lease run out
            for row in s.scalars(select(OutboundMessage)):
                row.next_attempt_at = row.next_attempt_at.replace(year=2000)
    assert _worker_once(world) == 0
    assert _worker_once(world) == 0
    assert len(microsoft.sent) == 1


@pytest.mark.parametrize(
    ("address", "to_ar", "why"),
    [
        ("new.person@brookfield.example", 1, "at a customer's domain: told how to get access"),
        ("someone@elsewhere.example", 0, "address at no customer's domain"),
        (None, 0, "no address from the chat profile"),
    ],
)
def test_a_stranger_hands_off_only_from_a_customers_domain(
    teams, keys, microsoft, world, address, to_ar, why
):
    from core.models import OutboundMessage

    stranger = "bbbbbbbb-0000-0000-0000-00000000000s"
    if address:
        microsoft.members[f"29:user-{stranger}"] = {
            "id": f"29:user-{stranger}",
            "aadObjectId": stranger,
            "email": address,
            "userPrincipalName": address,
        }
    _ask(teams, keys, microsoft, "copy of invoice INV-10423 please", aad=stranger)
    _work(world)
    [sent] = microsoft.sent  # instructions or help: never the invoice
    assert "INV-10423" not in sent.activity["text"] and not sent.buttons
    with world.admin_session() as s:
        emails = s.scalars(select(OutboundMessage).where(OutboundMessage.channel == "email"))
        assert [m.recipient for m in emails] == ["ar-team@supplier.example"] * to_ar
    [row] = _inbox(world)
    assert row.decision["handoff"] is bool(to_ar) and why in row.decision["sender"]["verification"]
    if not to_ar:
        assert "/invoices" not in sent.activity["text"]  # Teams' help: no Slack command in it
        assert row.decision["sender"]["verification"].endswith("help only, AR not asked")


def test_a_reply_the_connector_refuses_is_handed_to_ar_not_retried(teams, keys, microsoft, world):
    from core.models import OutboundMessage, OutboundStatus

    body = activity("what is our balance?", service_url=microsoft.service_url, aad=KAREN_AAD)
    # The connector does not know this conversation (the bot was removed from it, say).
    assert _post(teams, body, keys.token(microsoft.service_url)).status_code == 202
    _work(world)
    assert microsoft.sent == []
    with world.admin_session() as s:
        rows = {row.channel: row for row in s.scalars(select(OutboundMessage))}
    assert rows["teams"].status is OutboundStatus.failed
    assert rows["email"].recipient == "ar-team@supplier.example"  # AR is told


def test_a_chat_identity_on_file_is_not_moved_by_a_user_of_another_tenant(
    teams, keys, microsoft, world
):
    eve = "eeeeeeee-0000-0000-0000-00000000000e"
    other_tenant = "33333333-0000-0000-0000-000000000003"
    with world.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.email == KAREN_EMAIL))
        karen.teams_tenant_id, karen.teams_user_id = CUSTOMER_TENANT, KAREN_AAD
    microsoft.members[f"29:user-{eve}"] = {
        "id": f"29:user-{eve}", "aadObjectId": eve, "email": KAREN_EMAIL,
        "userPrincipalName": "eve@brookfield.example",
    }  # fmt: skip
    _ask(teams, keys, microsoft, "copy of invoice INV-10423", aad=eve, tenant=other_tenant)
    _work(world)
    with world.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.email == KAREN_EMAIL))
        assert (karen.teams_tenant_id, karen.teams_user_id) == (CUSTOMER_TENANT, KAREN_AAD)
        [decided] = s.scalars(select(InboundMessage)).all()
        assert decided.decision["sender"]["status"] == "unknown"
        assert decided.decision["links"] == []
        assert "another chat identity" in decided.decision["sender"]["verification"]


def test_a_token_without_an_expiry_is_refused(teams, keys, world):
    import jwt

    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": APP_ID, "iat": now, "nbf": now - 5,
              "serviceurl": SERVICE}  # fmt: skip
    token = jwt.encode(claims, keys.private, algorithm="RS256", headers={"kid": keys.kid})
    body = activity("what is our balance?", service_url=SERVICE, aad=KAREN_AAD)
    assert _post(teams, body, token).status_code == 401
    assert _inbox(world) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://attacker.blob.core.windows.net/teams/",
        "https://attacker.sharepoint.com/teams/",
        "https://attacker.svc.ms/teams/",
    ],
)
def test_a_service_url_on_a_host_anyone_can_hold_is_refused(teams, keys, world, url):
    """The reply would be posted there, with the customer's data and links."""
    body = activity("what is our balance?", service_url=url, aad=KAREN_AAD)
    assert _post(teams, body, keys.token(url)).status_code == 401
    assert _inbox(world) == []


def test_an_activity_naming_no_service_url_is_refused_not_failed(teams, keys, world):
    body = activity("what is our balance?", service_url="", aad=KAREN_AAD)
    assert _post(teams, body, keys.token(SERVICE)).status_code == 400
    assert _inbox(world) == []


@pytest.mark.parametrize(
    ("principal", "why"),
    [
        ("eve@evil.example", "address at no customer's domain"),
        ("eve@evil.onmicrosoft.com", "address at no customer's domain"),
        (None, "no address from the chat profile"),
    ],
)
def test_an_address_off_the_tenants_own_domain_names_no_contact(
    teams, keys, microsoft, world, principal, why
):
    """Another tenant's admin gives a user Karen's address as its mail; its sign-in name is at a
    domain that tenant owns. The mail is not believed: the user is a stranger, not Karen."""
    eve = "eeeeeeee-0000-0000-0000-00000000000e"
    member = {"id": f"29:user-{eve}", "aadObjectId": eve, "email": KAREN_EMAIL}
    if principal:
        member["userPrincipalName"] = principal
    microsoft.members[f"29:user-{eve}"] = member
    other_tenant = "33333333-0000-0000-0000-000000000003"
    _ask(teams, keys, microsoft, "copy of invoice INV-10423", aad=eve, tenant=other_tenant)
    _work(world)
    [sent] = microsoft.sent
    assert "INV-10423" not in sent.activity["text"] and not sent.buttons
    with world.admin_session() as s:
        karen = s.scalar(select(Contact).where(Contact.email == KAREN_EMAIL))
        assert karen.teams_user_id is None
        [decided] = s.scalars(select(InboundMessage)).all()
        assert decided.decision["sender"]["status"] == "unknown"
        assert why in decided.decision["sender"]["verification"]


@pytest.mark.parametrize(
    ("email", "principal", "address"),
    [
        ("Karen@Brookfield.example", "kwhitlock@brookfield.example", "Karen@Brookfield.example"),
        ("karen@brookfield.example", "kw@bf.onmicrosoft.com", "kw@bf.onmicrosoft.com"),
        (None, "karen@brookfield.example", "karen@brookfield.example"),
        ("karen@brookfield.example", "not-an-address", None),
    ],
)
def test_the_address_believed_is_at_the_sign_in_names_domain(email, principal, address):
    from bot.channels.teams.channel import verified_address

    assert verified_address(email, principal) == address
