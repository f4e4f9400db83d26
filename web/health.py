"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database answers, its
schema is at this code's revision, the brand file loads). Plain text, no customer data, for a load
balancer or an orchestrator; a failing check is named, never its details (no URLs, no paths)."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue

blueprint = Blueprint("health", __name__)
PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    return "ok\n", 200, PLAIN


def _checks() -> list[tuple[str, bool]]:
    from core.migrate import current_revision, head_revision
    from mailers.brand import load_brand
    from web.extensions import app_settings

    results: list[tuple[str, bool]] = []
    database = current_app.extensions["ardesk.db"]
    try:
        results.append(("migrations at head", current_revision(database.engine) == head_revision()))
        results.append(("database", True))
    except Exception:
        results.append(("database", False))
    try:
        load_brand(app_settings())
        results.append(("brand", True))
    except Exception:
        results.append(("brand", False))
    return results


@blueprint.get("/readyz")
def readyz() -> ResponseReturnValue:
    results = _checks()
    body = "".join(f"{name}: {'ok' if ok else 'failing'}\n" for name, ok in results)
    return body, 200 if all(ok for _, ok in results) else 503, PLAIN
