"""`ardesk handle-eml` and `ardesk link …` as AR uses them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from ardesk.cli import main
from core.models import AccessLink, InboundMessage
from tests.bot.conftest import DATA
from tests.support.cli import cli_env


@pytest.fixture
def run(world, tmp_path):
    env = cli_env(world.settings, tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_it_prints_the_decision_record_of_a_dry_run_and_stores_nothing(run, world):
    result = run("handle-eml", str(DATA / "outlook_invoice_copy_en.eml"), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert {
        "message_id",
        "sender",
        "guards",
        "understanding",
        "action",
        "handoff",
        "answers",
        "links",
        "reply",
    } <= set(decision)
    assert decision["reply"]["to"] == "karen.whitlock@brookfield.example"
    assert decision["links"][0]["dry_run"] is True
    with world.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 0
        assert s.scalar(select(func.count()).select_from(AccessLink)) == 0


def test_it_handles_a_message_once(run, world):
    path = str(DATA / "gmail_statement_de.eml")
    first = run("handle-eml", path)
    assert first.exit_code == 0, first.output
    assert "action   reply" in first.output
    again = run("handle-eml", path)
    assert again.exit_code == 1 and "already received" in again.output


def test_it_refuses_a_missing_or_empty_file(run, tmp_path):
    (tmp_path / "empty.eml").write_bytes(b"")
    assert "cannot read" in run("handle-eml", str(tmp_path / "nope.eml")).output
    assert "is empty" in run("handle-eml", str(tmp_path / "empty.eml")).output


def test_it_issues_lists_and_revokes_links(run):
    issued = run(
        "link",
        "issue",
        "--contact",
        "karen.whitlock@brookfield.example",
        "--invoice",
        "INV-10423",
        "--ttl",
        "2h",
        "--json",
    )
    assert issued.exit_code == 0, issued.output
    link = json.loads(issued.output)
    assert link["url"].startswith("http") and "/l/" in link["url"]
    run("link", "issue", "--contact", "claire.dubois@brookfield.example", "--portal")
    listed = json.loads(run("link", "list", "--account", "C1001", "--json").output)
    assert len(listed) == 2
    mine = json.loads(
        run("link", "list", "--contact", "karen.whitlock@brookfield.example", "--json").output
    )
    assert [item["id"] for item in mine] == [link["id"]]
    assert run("link", "revoke", "--id", link["id"]).output.strip() == "revoked 1 link(s)"
    assert run("link", "revoke", "--account", "C1001").output.strip() == "revoked 1 link(s)"
    assert json.loads(run("link", "list", "--account", "C1001", "--json").output) == []


def test_it_refuses_ambiguous_or_foreign_link_requests(run):
    shared = run("link", "issue", "--contact", "ap@shared.example", "--portal")
    assert shared.exit_code == 1 and "add --account" in shared.output
    assert (
        run(
            "link", "issue", "--contact", "ap@shared.example", "--account", "C2002", "--portal"
        ).exit_code
        == 0
    )
    foreign = run(
        "link", "issue", "--contact", "karen.whitlock@brookfield.example", "--invoice", "INV-99999"
    )
    assert foreign.exit_code == 1 and "not on account C1001" in foreign.output
    both = run(
        "link", "issue", "--contact", "karen.whitlock@brookfield.example", "--portal", "--statement"
    )
    assert both.exit_code == 1 and "exactly one" in both.output


def test_the_worker_says_it_does_not_migrate_and_alembic_says_nothing(db, tmp_path, caplog):
    import logging

    from click.testing import CliRunner

    from ardesk.cli import main
    from tests.support.cli import cli_env

    with caplog.at_level(logging.INFO):
        result = CliRunner().invoke(
            main, ["worker", "--once", "--no-intake"], env=cli_env(db.settings, tmp_path)
        )
    assert result.exit_code == 0, result.output
    assert "this process does not migrate" in caplog.text
    assert "transactional DDL" not in caplog.text
