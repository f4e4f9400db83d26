"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database answers, its
schema is at this code's revision, the brand file loads; and how mail intake fares). No customer
data, for a load balancer or an orchestrator; a failing check is named, never its details (no
URLs, no paths).

Unhealthy intake (IMAP not fetching, OAuth2 token failures, SMTP intake errors) makes ``/readyz``
say ``degraded`` but stay 200: a mail problem is no reason to take every web process out of the
load balancer, where customers would lose the portal too. ``ardesk status`` fails on it, and that
is what alerts should watch.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue

from core.plain import plain
from core.status import IntakeStatus

blueprint = Blueprint("health", __name__)
NO_STORE = {"Cache-Control": "no-store"}


class CheckState(enum.StrEnum):
    ok = "ok"
    failing = "failing"  # the process cannot serve: 503
    degraded = "degraded"  # it serves, but something behind it needs an operator: 200


class Readiness(enum.StrEnum):
    ready = "ready"
    degraded = "degraded"
    not_ready = "not_ready"


@dataclass(frozen=True)
class Check:
    name: str
    state: CheckState


@dataclass(frozen=True)
class ReadyReport:
    status: Readiness
    checks: tuple[Check, ...]
    intake: IntakeStatus | None  # None when the database cannot say


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", **NO_STORE}


def _report() -> ReadyReport:
    from core.migrate import current_revision, head_revision
    from core.status import read_intake
    from mailers.brand import load_brand
    from web.extensions import app_settings

    checks: list[Check] = []
    intake = None
    database = current_app.extensions["ardesk.db"]
    try:
        at_head = current_revision(database.engine) == head_revision()
        checks.append(Check("migrations at head", CheckState.ok if at_head else CheckState.failing))
        checks.append(Check("database", CheckState.ok))
        if at_head:  # an older schema has no heartbeats to read
            intake = read_intake(database, app_settings())
            checks.append(
                Check("intake", CheckState.degraded if intake.problems else CheckState.ok)
            )
    except Exception:
        checks.append(Check("database", CheckState.failing))
    try:
        load_brand(app_settings())
        checks.append(Check("brand", CheckState.ok))
    except Exception:
        checks.append(Check("brand", CheckState.failing))
    states = {check.state for check in checks}
    status = (
        Readiness.not_ready if CheckState.failing in states else
        Readiness.degraded if CheckState.degraded in states else
        Readiness.ready
    )  # fmt: skip
    return ReadyReport(status, tuple(checks), intake)


@blueprint.get("/readyz")
def readyz() -> ResponseReturnValue:
    report = _report()
    code = 503 if report.status is Readiness.not_ready else 200
    body = json.dumps(plain(report), indent=1) + "\n"
    return body, code, {"Content-Type": "application/json", **NO_STORE}
