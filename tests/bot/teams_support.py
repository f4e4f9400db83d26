"""Teams as Microsoft's cloud would call ardesk: tokens signed with keys the test generates and
served to the SDK's validator through its key-source seam, activities in Bot Framework's format,
and the aiohttp app run on loopback."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "00000000-0000-0000-0000-00000000a99d"
TENANT = "11111111-1111-1111-1111-111111111111"  # the supplier's own tenant
CUSTOMER_TENANT = "22222222-2222-2222-2222-222222222222"
BOT_FRAMEWORK = "https://api.botframework.com"
_ids = itertools.count(1)


class TokenKeys:
    """An RSA key pair, and the validator's key source serving its public half."""

    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.asked: list[str] = []  # the key URLs the validator chose

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> Any:
        self.asked.append(jwks_uri)
        if header.get("kid") != self.kid:
            raise jwt.PyJWKClientError("unknown key id")
        jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return jwt.PyJWK({**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"})

    def token(self, service_url: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": BOT_FRAMEWORK,
            "aud": APP_ID,
            "iat": now,
            "nbf": now - 5,
            "exp": now + 3600,
            "serviceurl": service_url,
            **claims,
        }
        return jwt.encode(payload, self.private, algorithm="RS256", headers={"kid": self.kid})


def activity(
    text: str,
    *,
    service_url: str,
    aad: str,
    tenant: str = CUSTOMER_TENANT,
    conversation_type: str = "personal",
    **extra: Any,
) -> dict[str, Any]:
    number = next(_ids)
    conversation = f"a:conv-{aad}-{conversation_type}"
    return {
        "type": "message",
        "id": f"1700000000{number:06d}",
        "timestamp": "2026-11-29T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:user-{aad}", "name": "Someone", "aadObjectId": aad},
        "conversation": {
            "id": conversation,
            "conversationType": conversation_type,
            "tenantId": tenant,
            **({"isGroup": True} if conversation_type != "personal" else {}),
        },
        "recipient": {"id": f"28:{APP_ID}", "name": "ardesk"},
        "text": text,
        "channelData": {"tenant": {"id": tenant}},
        **extra,
    }


class LoopbackApp:
    """An aiohttp application served on 127.0.0.1 from a thread of its own."""

    def __init__(self, app) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    def __enter__(self) -> LoopbackApp:
        from aiohttp import web

        self.thread.start()

        async def start():
            self.runner = web.AppRunner(self.app)
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            return site._server.sockets[0].getsockname()[1]

        self.port = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
