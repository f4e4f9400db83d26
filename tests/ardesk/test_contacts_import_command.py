"""`ardesk contacts import` as AR uses it: a dry run writes nothing, a wrong row is named by row
and column and nothing is imported, a right file adds and updates, audited as the CLI user."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ardesk.cli import main
from core.models import AuditEvent
from tests.support import builders as b
from tests.support.cli import cli_env


@pytest.fixture
def run(db, tmp_path):
    env = cli_env(db.settings, tmp_path)
    with db.admin_session() as s:
        b.contact(s, b.account(s, "N-100", "Northwind Foods BV"), "ap@northwind.example")

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def _listed(run) -> dict[str, str]:
    rows = json.loads(run("contacts", "list", "--json").output)
    return {row["email"]: row["role"] for row in rows}


def test_it_checks_then_imports_a_file(run, db, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "account;email;name;role\n"
        "N-100;new@northwind.example;New Person;finance_approver\n"
        "N-100;ap@northwind.example;AP Team;account_manager\n",
        encoding="utf-8-sig",
    )
    dry = run("contacts", "import", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 row(s): 1 add, 1 update, 0 unchanged (dry run)" in dry.output
    assert _listed(run) == {"ap@northwind.example": "ap_contact"}

    done = run("contacts", "import", str(path))
    assert done.exit_code == 0, done.output
    assert _listed(run) == {
        "ap@northwind.example": "account_manager",
        "new@northwind.example": "finance_approver",
    }
    with db.admin_session() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action.startswith("contact."))))
    assert [e.action for e in events] == ["contact.add", "contact.edit", "contact.import"]
    assert all(e.actor.startswith("cli:") for e in events)


def test_a_wrong_row_is_named_and_nothing_is_imported(run, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "account,email,name,role\n"
        "N-100,fine@northwind.example,Fine,ap_contact\n"
        "N-999,x@northwind.example,X,ap_contact\n"
    )
    result = run("contacts", "import", str(path))
    assert result.exit_code == 1
    assert "row 3, account: no account with this ERP id ('N-999')" in result.output
    assert "nothing was imported" in result.output
    assert "fine@northwind.example" not in _listed(run)
