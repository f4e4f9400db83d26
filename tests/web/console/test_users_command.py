"""`ardesk users`: how an operator creates the first admin and looks after the team."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from tests.support.cli import cli_env
from tests.web.console.conftest import sign_in


@pytest.fixture
def run(db, tmp_path):
    env = cli_env(db.settings, tmp_path)

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(main, list(args), env=env, input=stdin)

    return invoke


def test_it_adds_an_admin_with_a_generated_password_who_then_signs_in(run, client):
    result = run("users", "add", "--email", "ada@supplier.example", "--name", "Ada",
                 "--role", "admin", "--generate")  # fmt: skip
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    assert sign_in(client, "ada@supplier.example", password).status_code == 303
    assert client.get("/ar/users").status_code == 200  # an admin


def test_it_prompts_for_a_password_and_refuses_a_short_one(run):
    result = run("users", "add", "--email", "gus@supplier.example", "--name", "Gus",
                 stdin="short\nshort\n")  # fmt: skip
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_it_lists_disables_and_resets(run, client):
    run("users", "add", "--email", "gus@supplier.example", "--name", "Gus", "--generate")
    listed = json.loads(run("users", "list", "--json").output)
    assert [(u["email"], u["role"], u["active"]) for u in listed] == [
        ("gus@supplier.example", "agent", True)
    ]
    assert run("users", "disable", "gus@supplier.example").exit_code == 0
    assert json.loads(run("users", "list", "--json").output)[0]["active"] is False
    reset = run("users", "reset-password", "gus@supplier.example", "--generate")
    password = re.search(r"password: (\S+)", reset.output).group(1)
    assert sign_in(client, "gus@supplier.example", password).status_code == 401  # disabled
    missing = run("users", "disable", "nobody@supplier.example")
    assert missing.exit_code == 1 and "no AR user nobody@supplier.example" in missing.output


def test_it_enrols_totp_and_prints_the_uri(run):
    run("users", "add", "--email", "ada@supplier.example", "--name", "Ada", "--generate")
    result = run("users", "totp", "ada@supplier.example")
    assert result.exit_code == 0
    assert "otpauth://totp/ardesk:ada%40supplier.example?secret=" in result.output
    assert json.loads(run("users", "list", "--json").output)[0]["totp"] is True
