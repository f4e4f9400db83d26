"""AR sets the e-invoice format a contact or an account receives: `ardesk documents prefer`."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from ardesk.cli import main
from core.models import Account, Contact
from tests.bot.conftest import world  # noqa: F401 - the bot's scenario world
from tests.support.cli import cli_env


def run(db, tmp_path, *args: str):
    env = cli_env(db.settings, tmp_path)
    return CliRunner().invoke(main, ["documents", "prefer", *args], env=env)


def preferences(db) -> tuple[str | None, str | None]:
    with db.admin_session() as s:
        account = s.scalars(select(Account).where(Account.erp_id == "C1001")).one()
        karen = s.scalars(select(Contact).where(Contact.email.startswith("karen"))).one()
        return account.preferred_format, karen.preferred_format


def test_ar_sets_and_clears_a_contacts_and_an_accounts_format(world, tmp_path):  # noqa: F811
    result = run(world, tmp_path, "--account", "C1001", "--format", "ubl")
    assert result.exit_code == 0 and "C1001: ubl" in result.output
    email = "karen.whitlock@brookfield.example"
    result = run(world, tmp_path, "--account", "C1001", "--email", email, "--format", "facturx")
    assert result.exit_code == 0
    assert preferences(world) == ("ubl", "facturx")
    run(world, tmp_path, "--account", "C1001", "--email", email, "--format", "none")
    assert preferences(world) == ("ubl", None)


def test_an_unknown_format_or_contact_is_refused_in_one_line(world, tmp_path):  # noqa: F811
    wrong = run(world, tmp_path, "--account", "C1001", "--format", "pdf-a")
    assert wrong.exit_code != 0 and "Invalid value for '--format'" in wrong.output
    nobody = run(world, tmp_path, "--account", "C1001", "--email", "x@y.example", "--format", "ubl")
    assert nobody.exit_code != 0 and "no contact x@y.example" in nobody.output
    assert "Traceback" not in nobody.output


def test_ar_marks_and_unmarks_an_automation_inbox(world, tmp_path):  # noqa: F811
    env = cli_env(world.settings, tmp_path)
    args = ["documents", "automation-inbox", "--account", "C1001", "--email", "ap@shared.example"]
    assert CliRunner().invoke(main, args, env=env).exit_code == 0
    with world.admin_session() as s:
        flags = {c.account_id: c.automation_inbox for c in s.scalars(
            select(Contact).where(Contact.email == "ap@shared.example"))}  # fmt: skip
    assert sorted(flags.values()) == [False, True]  # only the account named
    assert CliRunner().invoke(main, [*args, "--off"], env=env).exit_code == 0
    with world.admin_session() as s:
        assert not any(c.automation_inbox for c in s.scalars(select(Contact)))
