"""`ardesk chat map …` as AR uses it: bind a Slack team to an account, list, remove; audited."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ardesk.cli import main
from core.models import AuditEvent
from tests.support.cli import cli_env


@pytest.fixture
def run(world, tmp_path):
    env = cli_env(world.settings, tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_it_maps_lists_and_removes_a_slack_team_and_audits_both(run, world):
    added = run("chat", "map", "add", "slack_team", "TBROOK", "--account", "C1001")
    assert added.exit_code == 0, added.output
    listed = json.loads(run("chat", "map", "list", "--json").output)
    assert listed == [
        {
            "place": "slack_team",
            "id": "TBROOK",
            "account": "C1001",
            "name": "Brookfield Precision Castings Ltd",
        }
    ]
    again = run("chat", "map", "add", "slack_team", "TBROOK", "--account", "C2002")
    assert again.exit_code == 1 and "mapped already" in again.output
    assert run("chat", "map", "remove", "slack_team", "TBROOK").exit_code == 0
    assert json.loads(run("chat", "map", "list", "--json").output) == []
    with world.admin_session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["chat_mapping_added", "chat_mapping_removed"]


def test_it_refuses_an_unknown_account_in_one_line(run):
    result = run("chat", "map", "add", "teams_tenant", "tenant-1", "--account", "NOPE")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1


def test_ardesk_teams_listens_and_refuses_a_request_without_a_token(world, tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = world.settings.replace(
        teams_app_id="app-id", teams_app_password="secret", teams_listen=f"127.0.0.1:{port}"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "ardesk", "teams"],
        env={**os.environ, **cli_env(settings, tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/api/messages", json={"type": "message"}
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "ardesk teams never listened"
                time.sleep(0.2)
        assert response.status_code == 401
    finally:
        process.terminate()
        process.wait(10)


def test_ardesk_teams_says_what_is_missing(run):
    result = run("teams")
    assert result.exit_code == 1 and "ARDESK_TEAMS_APP_ID" in result.output
