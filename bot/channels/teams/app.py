"""The Teams endpoint, ``POST /api/messages``: the Agents SDK's JWT middleware verifies the token
(signature, audience, expiry, issuer and tenant binding), the SDK's ``Activity`` model reads the
body, and the message is stored; the worker answers. Storing is all that happens here, so the
SDK's turn machinery (which fetches outbound tokens for every turn) is not run for a request.

The validator fetches its signing keys itself, from the URL it picks for the token's issuer. Its
key source is the one seam for tests: ``teams_app(..., key_source=…)`` puts another behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.aiohttp import jwt_authorization_middleware
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator
from pydantic import ValidationError

from bot.channels.teams.activity import TeamsRequest
from bot.store import store
from core.config import Settings
from core.db import Database

log = logging.getLogger(__name__)


class KeySource(Protocol):
    """What the SDK's validator asks for a token's signing key (its ``_jwk_client_manager``)."""

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> Any: ...


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    if not (settings.teams_app_id and settings.teams_app_password):
        raise LookupError("Teams is not configured (ARDESK_TEAMS_APP_ID, _APP_PASSWORD)")
    return AgentAuthConfiguration(
        client_id=settings.teams_app_id,
        client_secret=settings.teams_app_password,
        tenant_id=settings.teams_tenant_id,
        authority=settings.teams_authority,
        validate_issuer=True,  # Bot Framework's issuer, or the tenant's own: nobody else
        anonymous_allowed=False,
    )


def teams_app(
    db: Database,
    settings: Settings,
    *,
    key_source: KeySource | None = None,
    on_stored: Callable[[], None] | None = None,
) -> web.Application:
    app = web.Application(middlewares=[jwt_authorization_middleware])
    app["agent_configuration"] = auth_configuration(settings)
    if key_source is not None:
        JwtTokenValidator._jwk_client_manager = key_source

    async def messages(request: web.Request) -> web.Response:
        try:
            activity = Activity.model_validate(await request.json())
        except (ValueError, ValidationError):
            return web.json_response({"error": "not an activity"}, status=400)
        claims = request["claims_identity"].claims
        # Bot Framework names the service URL the token was issued for: replies go nowhere else.
        if claims.get("serviceurl") and claims["serviceurl"] != activity.service_url:
            log.warning("Teams activity for another service URL refused")
            return web.json_response({"error": "service URL mismatch"}, status=401)
        if activity.type == ActivityTypes.message and activity.conversation:
            _, created = store(db, TeamsRequest.from_activity(activity).inbound())
            if created and on_stored is not None:
                on_stored()
        return web.Response(status=201)

    app.router.add_post("/api/messages", messages)
    return app
