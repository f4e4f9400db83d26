"""`ardesk demo` (what `make demo` runs): schema, demo data once, a link that opens the portal."""

from __future__ import annotations

import re

from click.testing import CliRunner

from ardesk.cli import main
from core.config import load_settings
from tests.support.production import production_environ
from tests.web.conftest import follow
from web import create_app


def test_it_prepares_a_demo_and_prints_a_link_that_opens_the_portal(tmp_path):
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}
    first = CliRunner().invoke(main, ["demo", "--no-serve", "--port", "8123"], env=env)
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
