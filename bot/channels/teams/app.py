"""The Teams endpoint, ``POST /api/messages``: the Agents SDK's JWT middleware verifies the token
(signature, audience, expiry, issuer and tenant binding), the SDK's ``CloudAdapter`` checks the
activity's serviceUrl (a Microsoft connector host, and the host the token names) and runs the
turn, whose only work is storing the message; the worker answers from the outbox.

The validator fetches its signing keys itself, from the URL it picks for the token's issuer. Its
key source is the one seam for tests: ``teams_app(..., key_source=…)`` puts another behind it.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from aiohttp import web
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware
from microsoft_agents.hosting.core import ActivityHandler, TurnContext
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator
from microsoft_agents.hosting.core.security import OutboundHostValidator

from bot.channels.teams.activity import TeamsRequest
from bot.store import store
from core import logs
from core.config import Settings
from core.db import Database

# The hosts a Teams activity's serviceUrl (where its reply is posted) may name: the Bot Framework's
# and Teams' connectors in the public and national clouds. The SDK's own list also allows storage
# and SharePoint hosts, where anyone can hold a subdomain and would receive the reply.
CONNECTOR_HOSTS = (
    "botframework.com",
    "smba.trafficmanager.net",
    "teams.microsoft.com",
    "teams.microsoft.us",
)


@web.middleware
async def token_expires(request: web.Request, handler):
    """Refuse a token without an expiry: the SDK checks ``exp`` only when a token carries one,
    and a token that never expires would be a key for good."""
    identity = request.get("claims_identity")
    claims = getattr(identity, "claims", None) or {}
    if claims and not isinstance(claims.get("exp"), int | float):  # a verified token's claims
        return web.json_response({"error": "the token has no expiry"}, status=401)
    return await handler(request)


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


@web.middleware
async def request_ids(request: web.Request, handler: Any) -> web.StreamResponse:
    """Each activity's request id, as the portal's (``web.request_ids``): bound to its log lines
    and stored with the message, so the worker's lines about it carry it too."""
    request_id = logs.accept_request_id(request.headers.get("X-Request-ID"))
    with logs.bound(request_id=request_id):
        response = await handler(request)
    response.headers["X-Request-ID"] = request_id
    return response


def teams_app(
    db: Database,
    settings: Settings,
    *,
    key_source: KeySource | None = None,
) -> web.Application:
    app = web.Application(middlewares=[request_ids, jwt_authorization_middleware, token_expires])
    app["agent_configuration"] = auth_configuration(settings)
    if key_source is not None:
        JwtTokenValidator._jwk_client_manager = key_source

    configuration = app["agent_configuration"]
    adapter = CloudAdapter(
        connection_manager=MsalConnectionManager(
            connections_configurations={"SERVICE_CONNECTION": configuration}
        ),
        # Replies go to the activity's serviceUrl: only Microsoft's connector hosts (and those
        # configured) are accepted, and only the host the token was issued for.
        host_validator=OutboundHostValidator(
            [*CONNECTOR_HOSTS, *settings.teams_service_hosts],
            enabled=True,
            include_default_microsoft_hosts=False,
        ),
    )

    class Intake(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            inbound = TeamsRequest.from_activity(turn_context.activity).inbound()
            await asyncio.to_thread(store, db, inbound)  # the database is not async

    intake = Intake()

    async def messages(request: web.Request) -> web.Response:
        # An activity names where its reply goes; one that names nowhere is refused here (the
        # SDK skips its host check for it, and its turn then failed with a 500).
        try:
            service_url = (await request.json()).get("serviceUrl")
        except (ValueError, AttributeError):
            service_url = None
        if not isinstance(service_url, str) or not service_url.strip():
            return web.json_response({"error": "the activity names no serviceUrl"}, status=400)
        return await adapter.process(request, intake)

    app.router.add_post("/api/messages", messages)
    return app
