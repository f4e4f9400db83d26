"""The HTTP side of REST sources: authentication, retries, rate limits, errors a user can act on.

* auth: ``basic`` (username, password_env), ``bearer`` (token_env), ``oauth2`` client credentials
  (token_url, client_id, client_secret_env, scope), each optionally with an API-key header
  (``api_key_header`` + ``api_key_env``, as Epicor Kinetic v2 wants).
* 429 waits for Retry-After (seconds or an HTTP date, capped); 5xx and network errors retry with
  backoff; a 401 under OAuth2 fetches a new token once. Then a SourceError naming the status.

Error messages name the method, path and status (and the ERP's error code when its error body
has one), never the response body: ERP errors can quote customer data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from connectors.config import SourceConfig
from connectors.errors import SourceConfigError, SourceError

MAX_RETRY_AFTER_S = 120.0
RETRY_STATUSES = {429, 500, 502, 503, 504}
ODOO_ERRORS = ("odoo.", "werkzeug.", "builtins.")


class Auth:
    def __init__(self, config: SourceConfig, spec: dict[str, Any]) -> None:
        self.kind = spec.get("type", "none")
        self.spec = spec
        self.config = config
        self._token: str | None = None
        self._expires = 0.0
        self.headers: dict[str, str] = {}
        if spec.get("api_key_header"):
            self.headers[spec["api_key_header"]] = config.secret_from(spec, "api_key")
        if self.kind == "basic":
            self.basic = (
                spec.get("username") or config.secret_from(spec, "username"),
                config.secret_from(spec, "password"),
            )
        elif self.kind == "bearer":
            self.headers["Authorization"] = f"Bearer {config.secret_from(spec, 'token')}"
        elif self.kind == "oauth2":
            for key in ("token_url",):
                if key not in spec:
                    raise SourceConfigError(f"source {config.name!r}: oauth2 auth needs {key}")
            self.client_id = spec.get("client_id") or config.secret_from(spec, "client_id")
            self.client_secret = config.secret_from(spec, "client_secret")
        elif self.kind != "none":
            raise SourceConfigError(
                f"source {config.name!r}: auth type must be basic, bearer, oauth2 or none"
            )

    def apply(self, client: httpx.Client, request_headers: dict[str, str]) -> httpx.Auth | None:
        request_headers.update(self.headers)
        if self.kind == "oauth2":
            request_headers["Authorization"] = f"Bearer {self._access_token(client)}"
        if self.kind == "basic":
            return httpx.BasicAuth(*self.basic)
        return None

    def forget_token(self) -> None:
        self._token = None

    def _access_token(self, client: httpx.Client) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        data = {"grant_type": "client_credentials"}
        if self.spec.get("scope"):
            data["scope"] = self.spec["scope"]
        auth = None
        if self.spec.get("client_auth") == "basic":  # some servers want the client in a header
            auth = httpx.BasicAuth(self.client_id, self.client_secret)
        else:
            data |= {"client_id": self.client_id, "client_secret": self.client_secret}
        try:
            response = client.post(self.spec["token_url"], data=data, auth=auth)
        except httpx.HTTPError as exc:
            raise SourceError(f"token request failed: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise SourceError(
                f"token request refused: HTTP {response.status_code}{_error_code(response)}",
                retryable=response.status_code >= 500,
            )
        body = response.json()
        self._token = body["access_token"]
        # Renew a minute early so a token never expires in the middle of a page.
        self._expires = time.monotonic() + float(body.get("expires_in", 3600)) - 60
        return self._token


class HttpClient:
    def __init__(
        self,
        config: SourceConfig,
        base_url: str,
        auth: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise SourceConfigError(f"source {config.name!r}: base_url must be an http(s) URL")
        self.name = config.name
        self.base_url = base_url.rstrip("/")
        self.auth = Auth(config, auth)
        self.retries = int(config.get("http_retries", 4))
        self.backoff_s = float(config.get("http_backoff_s", 1.0))
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=float(config.get("timeout_s", 60)),
            headers={"Accept": "application/json", **(headers or {})},
            follow_redirects=True,
        )

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        try:
            # Amounts stay exact: JSON numbers with a fraction become Decimal, never float.
            return json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise SourceError(f"{self.name}: {_where(method, response)} is not JSON") from None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.url(path)
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            headers = dict(kwargs.pop("headers", None) or {})
            auth = self.auth.apply(self.client, headers)
            try:
                response = self.client.request(method, url, headers=headers, auth=auth, **kwargs)
            except httpx.HTTPError as exc:
                if attempt > self.retries:
                    raise SourceError(
                        f"{self.name}: {method} {urlsplit(url).path} failed: {type(exc).__name__}"
                    ) from None
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
                kwargs["headers"] = headers
                continue
            kwargs["headers"] = headers
            status = response.status_code
            if status < 400:
                return response
            if status == 401 and self.auth.kind == "oauth2" and not refreshed:
                self.auth.forget_token()
                refreshed = True
                continue
            if status in RETRY_STATUSES and attempt <= self.retries:
                self.sleep(self._wait(response, attempt))
                continue
            raise SourceError(
                f"{self.name}: {_where(method, response)} answered HTTP {status}"
                f"{_error_code(response)}",
                retryable=status in RETRY_STATUSES,
            )

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After")
        if header:
            try:
                wait = float(header)
            except ValueError:
                try:
                    wait = (parsedate_to_datetime(header) - datetime.now(UTC)).total_seconds()
                except (TypeError, ValueError):
                    wait = self.backoff_s
            return min(max(wait, 0.0), MAX_RETRY_AFTER_S)
        return self.backoff_s * 2 ** (attempt - 1)

    def close(self) -> None:
        self.client.close()


def _where(method: str, response: httpx.Response) -> str:
    return f"{method} {response.request.url.path}"


def _error_code(response: httpx.Response) -> str:
    """The ERP's error code from a JSON error body, e.g. OData's error.code or NetSuite's
    o:errorCode or Odoo's exception name; never the message, which may quote data."""
    try:
        body = response.json()
    except ValueError:
        return ""
    code = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            code = error.get("code")
        details = body.get("o:errorDetails")
        if code is None and isinstance(details, list) and details:
            code = details[0].get("o:errorCode")
        code = code or body.get("ErrorType") or body.get("errorCode")
        name = body.get("name")  # Odoo's JSON-2 names the exception class
        if code is None and isinstance(name, str) and name.startswith(ODOO_ERRORS):
            code = name
    if isinstance(code, str | int) and len(str(code)) <= 60:
        return f" ({code})"
    return ""
