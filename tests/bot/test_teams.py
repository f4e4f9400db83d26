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
from core.models import InboundMessage
from tests.bot.teams_support import (
    APP_ID,
    CUSTOMER_TENANT,
    TENANT,
    LoopbackApp,
    TokenKeys,
    activity,
)

KAREN_AAD = "aaaaaaaa-0000-0000-0000-00000000000k"
SERVICE = "http://127.0.0.1:9/teams"  # replaced by the local connector where one is needed


@pytest.fixture
def keys() -> TokenKeys:
    return TokenKeys()


@pytest.fixture
def teams(world, keys) -> Iterator[LoopbackApp]:
    world.settings = world.settings.replace(
        teams_app_id=APP_ID, teams_app_password="test-app-password", teams_tenant_id=TENANT
    )
    with LoopbackApp(teams_app(world, world.settings, key_source=keys)) as served:
        yield served


def _post(teams: LoopbackApp, body: dict, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{teams.url}/api/messages", json=body, headers=headers, timeout=10)


def _inbox(db) -> list[InboundMessage]:
    with db.admin_session() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_a_message_with_a_valid_token_is_stored_once(teams, keys, world):
    body = activity("what is our balance?", service_url=SERVICE, aad=KAREN_AAD)
    assert _post(teams, body, keys.token(SERVICE)).status_code == 201
    assert _post(teams, body, keys.token(SERVICE)).status_code == 201  # a redelivery
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
