"""``/metrics`` for Prometheus, and the count and time of every web request.

Not public: with ``ARDESK_METRICS_TOKEN`` set, a scraper sends it as a bearer token (compared in
constant time); without one, only a request from this machine that came through no proxy is
answered, and in production none is. Under gunicorn the answer adds up every worker
(``core.metrics.exposition``). ``ARDESK_METRICS=false``: no route, no hooks, no cost.
"""

from __future__ import annotations

import hmac
import ipaddress
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue

from core import metrics
from core.config import Settings
from core.db import Database

blueprint = Blueprint("metrics", __name__)
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")
PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask, settings: Settings, db: Database) -> None:
    metrics.configure(settings)
    if not settings.metrics:
        return
    from core.metrics.exposition import registry

    app.extensions["ardesk.metrics"] = registry(db)
    app.register_blueprint(blueprint)
    app.before_request(_started)
    app.after_request(_finished)


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _finished(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        part = (request.blueprint or "app") if request.url_rule else "unmatched"
        metrics.http_request(part, response.status_code, time.perf_counter() - started)
    return response


def allowed(settings: Settings) -> bool:
    token = settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    if settings.is_production or any(name in request.headers for name in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@blueprint.get("/metrics")
def scrape() -> ResponseReturnValue:
    from core.metrics.exposition import exposition

    settings: Settings = current_app.extensions["ardesk.settings"]
    if not allowed(settings):
        if settings.metrics_token:
            return "unauthorized\n", 401, {**PLAIN, "WWW-Authenticate": "Bearer"}
        return "not found\n", 404, PLAIN
    body, content_type = exposition(current_app.extensions["ardesk.metrics"])
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}
