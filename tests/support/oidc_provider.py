"""A small OpenID Connect provider for the tests, served over HTTP on a local port.

It serves discovery, its keys (JWKS), ``/authorize`` and ``/token``, and signs real ID tokens
(RS256) with a key it generates. It refuses what a real provider refuses: an unknown client or
redirect URI, a code redeemed twice or by another redirect URI, a wrong client secret, a PKCE
verifier that does not match the challenge. Who "signs in" at ``/authorize`` is whoever the
test sets in ``person`` (no login form: the console's side is what is tested); ``tamper``
makes the next ID tokens wrong in one named way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

TAMPERING = ("audience", "nonce", "issuer", "expired", "signature", "algorithm_none")


@dataclass
class Person:
    subject: str = "idp-user-1"
    email: str = "ada@supplier.example"
    email_verified: bool = True


@dataclass
class OIDCProvider:
    client_id: str = "ardesk-console"
    client_secret: str = "provider-client-secret-0123456789"
    redirect_uris: list[str] = field(default_factory=list)
    person: Person = field(default_factory=Person)
    tamper: str | None = None
    refused: list[str] = field(default_factory=list)  # why each refused request was refused
    issuer: str = ""
    # The name the issuer URL uses: "localhost" puts the provider on another site than a console
    # at 127.0.0.1, as a real provider is (what SameSite cookies care about).
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-1", "use": "sig"})
        self.codes: dict[str, dict] = {}
        self.used: set[str] = set()
        self.app = self._app()

    def start(self) -> OIDCProvider:
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://{self.host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def _refuse(self, error: str, why: str, status: int = 400):
        self.refused.append(why)
        return jsonify(error=error, error_description=why), status

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.person.subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": self.person.email,
            "email_verified": self.person.email_verified,
        }
        if self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce"
        elif self.tamper == "issuer":
            claims["iss"] = "https://idp.attacker.example"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        if self.tamper == "algorithm_none":
            header = _b64(b'{"alg":"none","typ":"JWT"}')
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        key = RSAKey.generate_key(2048) if self.tamper == "signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "test-1"}, claims, key)

    def _app(self) -> Flask:
        app = Flask("oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != self.client_id:
                return self._refuse("unauthorized_client", "unknown client")
            if args.get("redirect_uri") not in self.redirect_uris:
                # A real provider never redirects to an unregistered URI: it shows an error.
                return self._refuse("invalid_request", "redirect_uri not registered")
            if args.get("response_type") != "code" or "openid" not in args.get("scope", ""):
                return self._refuse("invalid_request", "not an OpenID code request")
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                return self._refuse("invalid_request", "PKCE required")
            code = secrets.token_urlsafe(24)
            self.codes[code] = {
                "redirect_uri": args["redirect_uri"],
                "challenge": args["code_challenge"],
                "nonce": args.get("nonce", ""),
            }
            query = urlencode({"code": code, "state": args.get("state", "")})
            return redirect(f"{args['redirect_uri']}?{query}", 302)

        @app.post("/token")
        def token():
            auth = request.authorization
            client_id = auth.username if auth else request.form.get("client_id")
            secret = auth.password if auth else request.form.get("client_secret")
            if client_id != self.client_id or secret != self.client_secret:
                return self._refuse("invalid_client", "client authentication failed", 401)
            code = request.form.get("code", "")
            if request.form.get("grant_type") != "authorization_code":
                return self._refuse("unsupported_grant_type", "not a code grant")
            if code in self.used:
                return self._refuse("invalid_grant", "code already used")
            issued = self.codes.pop(code, None)
            if issued is None:
                return self._refuse("invalid_grant", "unknown code")
            self.used.add(code)
            if request.form.get("redirect_uri") != issued["redirect_uri"]:
                return self._refuse("invalid_grant", "redirect_uri differs")
            verifier = request.form.get("code_verifier", "")
            if _b64(hashlib.sha256(verifier.encode()).digest()) != issued["challenge"]:
                return self._refuse("invalid_grant", "PKCE verifier does not match")
            return jsonify(
                access_token=secrets.token_urlsafe(24),
                token_type="Bearer",
                expires_in=300,
                id_token=self.id_token(issued["nonce"]),
            )

        return app


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
