"""OAuth2 access tokens for XOAUTH2 (Microsoft 365, Gmail): a fixed token from configuration,
or one fetched from the token endpoint with a refresh token or client credentials."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from core import metrics
from core.config import ConfigError, Settings

_cache: dict[str, tuple[str, float]] = {}


class OAuth2Error(ConfigError):
    """No access token could be had; the message says what the endpoint answered."""

    failure_kind = "oauth2"  # what the heartbeat records (core.heartbeats)


def access_token(settings: Settings) -> str:
    """``ARDESK_IMAP_OAUTH2_TOKEN``, else a token from ``ARDESK_IMAP_OAUTH2_TOKEN_URL`` with
    ``…_CLIENT_ID``, ``…_CLIENT_SECRET`` and ``…_REFRESH_TOKEN`` (or ``…_SCOPE`` for the
    client-credentials grant). Tokens are cached until a minute before they expire."""
    if settings.imap_oauth2_token:
        return settings.imap_oauth2_token
    url = settings.imap_oauth2_token_url
    if not url:
        raise ConfigError("set ARDESK_IMAP_OAUTH2_TOKEN or ARDESK_IMAP_OAUTH2_TOKEN_URL")
    cached = _cache.get(url)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    try:
        return _fetch(settings, url)
    except Exception:  # the endpoint refused, answered nonsense or could not be reached
        metrics.oauth_failed()
        raise


def _fetch(settings: Settings, url: str) -> str:
    form = {
        "client_id": settings.imap_oauth2_client_id or "",
        "client_secret": settings.imap_oauth2_client_secret or "",
    }
    refresh = settings.imap_oauth2_refresh_token
    if refresh:
        form.update(grant_type="refresh_token", refresh_token=refresh)
    else:
        form.update(grant_type="client_credentials", scope=settings.imap_oauth2_scope or "")
    request = urllib.request.Request(  # noqa: S310 - the operator's configured https endpoint
        url, data=urllib.parse.urlencode(form).encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            payload = json.load(response)
    except urllib.error.HTTPError as error:
        # The error code (invalid_grant, invalid_client…) says what to fix; never the secrets.
        try:
            code = json.load(error).get("error", "")
        except (ValueError, AttributeError):
            code = ""
        raise OAuth2Error(
            f"the IMAP OAuth2 token endpoint answered HTTP {error.code}"
            + (f" ({code})" if code else "")
        ) from None
    token = payload.get("access_token")
    if not token:
        raise OAuth2Error("the IMAP OAuth2 token endpoint returned no access_token")
    _cache[url] = (token, time.monotonic() + max(60, int(payload.get("expires_in", 3600)) - 60))
    return token
