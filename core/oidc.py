"""Sign-in through the company's OpenID Connect provider, as a relying party.

The Authorization Code flow with PKCE (S256), a random ``state`` and ``nonce`` (Authlib's
OAuth 2 session builds the request and redeems the code, at ``base_url`` + ``CALLBACK``, the
redirect URI registered at the provider); the ID token's signature is checked
against the provider's published keys (JWKS) and its claims — issuer, audience, expiry, nonce —
verified (joserfc) before anything in it is believed. What the console then does with the
verified email (only existing, active AR users; TOTP still applies) is ``web.console.oidc``'s.

Discovery and keys are fetched at each sign-in: sign-ins are rare, and a provider that rotates
its keys is followed at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.config import Settings

TIMEOUT = 10.0
ALGORITHMS = ["RS256", "PS256", "ES256"]  # asymmetric only: no token signed with our secret
LEEWAY = 60  # seconds of clock difference tolerated on exp and iat
MAX_EMAIL = 320
CALLBACK = "/ar/oidc/callback"


class OIDCError(Exception):
    """The provider's answer was refused; the message names why (no token or secret in it)."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Pending:
    """What the browser carries (signed) from leaving for the provider to coming back."""

    state: str
    nonce: str
    verifier: str
    next: str


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    email_verified: bool


def discover(settings: Settings) -> Provider:
    issuer = settings.ar_oidc_issuer or ""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=TIMEOUT)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise OIDCError(f"discovery failed: {type(error).__name__}") from error
    # The document must speak for the issuer configured (OpenID Connect Discovery § 4.3).
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise OIDCError("discovery names another issuer")
    try:
        return Provider(issuer, document["authorization_endpoint"], document["token_endpoint"],
                        document["jwks_uri"])  # fmt: skip
    except KeyError as error:
        raise OIDCError(f"discovery lacks {error.args[0]}") from error


def _client(settings: Settings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=settings.ar_oidc_client_id,
        client_secret=settings.ar_oidc_client_secret,
        scope="openid email",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK


def start(settings: Settings, provider: Provider, next_page: str):
    """The provider's authorization URL, and what to keep until the browser returns."""
    verifier, nonce = generate_token(64), generate_token(32)
    with _client(settings, redirect_uri(settings)) as client:
        url, state = client.create_authorization_url(
            provider.authorization_endpoint, code_verifier=verifier, nonce=nonce
        )
    return url, Pending(state=state, nonce=nonce, verifier=verifier, next=next_page)


def finish(
    settings: Settings,
    provider: Provider,
    pending: Pending,
    params: dict[str, str],
) -> Identity:
    """Redeem the code the provider sent back and verify the ID token it answers with."""
    if "error" in params:
        raise OIDCError(f"provider refused: {params['error'][:64]}")
    if not secrets.compare_digest(params.get("state", ""), pending.state):
        raise OIDCError("state does not match")
    code = params.get("code", "")
    if not code or len(code) > 2000:
        raise OIDCError("no code")
    try:
        with _client(settings, redirect_uri(settings)) as client:
            token = client.fetch_token(
                provider.token_endpoint,
                code=code,
                code_verifier=pending.verifier,
                timeout=TIMEOUT,
            )
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise OIDCError(f"code exchange failed: {type(error).__name__}") from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OIDCError("no ID token")
    return _verify(settings, provider, pending, id_token)


def _keys(provider: Provider) -> KeySet:
    try:
        answer = requests.get(provider.jwks_uri, timeout=TIMEOUT)
        answer.raise_for_status()
        return KeySet.import_key_set(answer.json())
    except (requests.RequestException, ValueError, TypeError, KeyError, JoseError) as error:
        raise OIDCError(f"keys unavailable: {type(error).__name__}") from error


def _verify(settings: Settings, provider: Provider, pending: Pending, id_token: str) -> Identity:
    try:
        token = jwt.decode(id_token, _keys(provider), algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": settings.ar_oidc_client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": pending.nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise OIDCError(f"ID token refused: {type(error).__name__}") from error
    claims: dict[str, Any] = token.claims
    # With several audiences, the token must have been issued to us (OIDC Core § 3.1.3.7).
    azp = claims.get("azp")
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and azp is None:
        raise OIDCError("ID token refused: several audiences and no azp")
    if azp is not None and azp != settings.ar_oidc_client_id:
        raise OIDCError("ID token refused: issued to another client")
    email = claims.get("email")
    if not isinstance(email, str) or not 3 <= len(email) <= MAX_EMAIL:
        raise OIDCError("ID token carries no email")
    return Identity(str(claims["sub"]), email, claims.get("email_verified") is True)
