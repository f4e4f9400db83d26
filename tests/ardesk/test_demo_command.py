"""`ardesk demo` (what `make demo` runs): schema, demo data and requests through the pipeline
once, a link that opens the portal and an AR sign-in that opens the console."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import func, select

from ardesk.cli import main
from core.config import load_settings
from core.db import Database
from core.models import Correction, InboundMessage, InboundStatus, OutboundMessage, OutboundStatus
from tests.support.production import production_environ
from tests.support.smtp_server import SmtpTestServer
from tests.web.conftest import follow
from tests.web.console.conftest import sign_in
from web import create_app


def test_it_prepares_a_demo_and_prints_a_link_that_opens_the_portal(tmp_path):
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}
    with SmtpTestServer() as smtp:  # where replies would go if the demo sent any
        env["ARDESK_SMTP_URL"] = smtp.url
        first = CliRunner().invoke(main, ["demo", "--no-serve", "--port", "8123"], env=env)
    assert smtp.messages == []
    assert first.exit_code == 0, first.output
    assert "loading demo data" in first.output
    assert re.search(r"\d+ accounts, \d+ contacts, 6000 invoices", first.output)
    assert re.search(r"open balance [\d,]+\.\d\d EUR", first.output)
    # Someone to try chat as: the identities the bot matches in Slack and Teams.
    assert re.search(r"Slack user U[0-9A-F]+ of team T[0-9A-F]+", first.output)
    assert re.search(r"Teams user [0-9a-f-]{36} of tenant [0-9a-f-]{36}", first.output)
    token = re.search(r"http://127\.0\.0\.1:8123/l/(\S+)", first.output).group(1)

    again = CliRunner().invoke(main, ["demo", "--no-serve"], env=env)
    assert "already holds data, keeping it" in again.output
    assert "demo requests" not in again.output
    password = re.search(r"ar\.admin@ardesk\.demo  password (\S+)", first.output).group(1)
    assert "ar.admin@ardesk.demo" in again.output and password not in again.output  # once

    app = create_app(load_settings(env))
    client = app.test_client()
    landed = follow(client, token)
    assert landed.status_code == 303
    overview = client.get(landed.headers["Location"])
    assert overview.status_code == 200


def test_it_refuses_to_run_in_production(tmp_path):
    env = production_environ(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 1 and "for development" in result.output


def test_the_demo_s_requests_went_through_the_pipeline_and_its_ar_admin_signs_in(tmp_path):
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}
    result = CliRunner().invoke(main, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    story = re.search(
        r"(\d+) demo requests through the pipeline: (\d+) answered, (\d+) handed off, "
        r"(\d+) ignored; (\d+) corrected by AR",
        result.output,
    )
    assert story, result.output
    requests, answered, handed_off, ignored, corrected = map(int, story.groups())
    assert requests == 200 and answered + handed_off + ignored == requests
    assert min(answered, handed_off, ignored) > 0 and corrected == 5

    settings = load_settings(env)
    db = Database.connect(settings)
    with db.admin_session() as s:
        statuses = dict(
            s.execute(
                select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
            ).all()
        )
        corrections = s.scalar(select(func.count()).select_from(Correction))
        outbox = dict(
            s.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            ).all()
        )
        decided = s.scalars(select(InboundMessage.decision)).all()
    db.dispose()
    # The bot answered the corrected ones: they left the queue.
    assert statuses[InboundStatus.answered] == answered + corrected
    assert statuses[InboundStatus.handed_off] == handed_off - corrected
    assert statuses[InboundStatus.ignored] == ignored
    assert corrections == corrected
    assert set(outbox) == {OutboundStatus.sent}  # nothing left for a worker to send later
    assert all(
        (d and d.get("understanding") is not None) or d.get("action") == "ignore" for d in decided
    )

    password = re.search(r"ar\.admin@ardesk\.demo  password (\S+)", result.output).group(1)
    client = create_app(settings).test_client()
    signed_in = sign_in(client, "ar.admin@ardesk.demo", password)
    assert signed_in.status_code == 303
    requests_page = client.get("/ar/")
    assert requests_page.status_code == 200
    assert "answered" in requests_page.text and "handed off" in requests_page.text.lower()
