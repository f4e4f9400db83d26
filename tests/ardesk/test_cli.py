"""The `ardesk` command as AR or a script uses it: JSON out, clear errors, no tracebacks."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from ardesk.cli import main
from core.models import InvoiceKind
from tests.support import builders as b
from tests.support.cli import cli_env


@pytest.fixture
def run(db, tmp_path):
    env = cli_env(db.settings, tmp_path)

    def invoke(*args: str):
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        return result

    return invoke


@pytest.fixture
def shared_services(db):
    """Two subsidiaries paid by one shared-service AP team, one address on both accounts."""
    with db.admin_session() as s:
        north = b.account(s, "N-100", "Northwind Foods BV", email_domains=["northwind.example"])
        south = b.account(s, "S-200", "Southwind Foods SA", currency="USD")
        b.contact(s, north, "ap@shared.example", name="Shared AP")
        b.contact(s, south, "ap@shared.example", name="Shared AP", role="finance_approver")
        b.contact(s, north, "buyer@northwind.example", name="Buyer", role="account_manager")
        paid = b.invoice(
            s, north, "INV-1", "100.00", issued=date(2026, 1, 1), due=date(2026, 1, 31)
        )
        b.invoice(s, north, "INV-2", "250.50", issued=date(2026, 2, 1), due=date(2026, 3, 3))
        b.invoice(s, north, "CN-1", "-20.00", issued=date(2026, 2, 5), kind=InvoiceKind.credit_note)
        b.invoice(s, north, "INV-3", "80.00", issued=date(2026, 2, 6), void=True)
        b.payment(
            s, north, "PAY-1", "100.00", received=date(2026, 2, 1), allocations={paid: "100.00"}
        )
        b.invoice(s, south, "S-1", "999.00", issued=date(2026, 1, 1))


def test_it_initialises_idempotently(run):
    first = run("init")
    assert first.exit_code == 0, first.output
    assert "already at revision" in first.output  # the fixture's database is migrated


def test_it_lists_contacts_as_one_json_array(run, shared_services):
    result = run("contacts", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["email"], r["account"], r["role"]) for r in rows] == [
        ("ap@shared.example", "N-100", "ap_contact"),
        ("buyer@northwind.example", "N-100", "account_manager"),
        ("ap@shared.example", "S-200", "finance_approver"),
    ]
    only_south = json.loads(run("contacts", "list", "--account", "S-200", "--json").output)
    assert [r["name"] for r in only_south] == ["Shared AP"]


def test_it_lists_open_invoices_with_money_as_strings(run, shared_services):
    result = run("invoices", "list", "--account", "N-100", "--status", "open", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["number"], r["kind"], r["status"], r["balance"], r["currency"]) for r in rows] == [
        ("INV-2", "invoice", "open", "250.50", "EUR"),
        ("CN-1", "credit_note", "open", "-20.00", "EUR"),
    ]
    assert rows[0]["due_date"] == "2026-03-03"
    assert {"number", "account", "status", "currency", "total", "balance", "due_date"} <= set(
        rows[0]
    )


def test_it_filters_paid_and_all_and_never_calls_a_void_open(run, shared_services):
    paid = json.loads(
        run("invoices", "list", "--account", "N-100", "--status", "paid", "--json").output
    )
    everything = json.loads(run("invoices", "list", "--account", "N-100", "--json").output)
    assert [r["number"] for r in paid] == ["INV-1"]
    assert sorted(r["number"] for r in everything) == ["CN-1", "INV-1", "INV-2", "INV-3"]
    assert {r["number"]: r["status"] for r in everything}["INV-3"] == "void"


def test_it_adds_a_contact_and_refuses_bad_input(run, shared_services):
    ok = run(
        "contacts",
        "add",
        "--account",
        "S-200",
        "--email",
        "Kim@South.Example",
        "--name",
        "Kim",
        "--role",
        "account_manager",
    )
    assert ok.exit_code == 0, ok.output
    listed = json.loads(run("contacts", "list", "--account", "S-200", "--json").output)
    assert "kim@south.example" in [r["email"] for r in listed]

    for args, message in [
        (
            ["--account", "NOPE", "--email", "a@b.example", "--name", "A", "--role", "ap_contact"],
            "no account with ERP id 'NOPE'",
        ),
        (
            [
                "--account",
                "S-200",
                "--email",
                "not-an-address",
                "--name",
                "A",
                "--role",
                "ap_contact",
            ],
            "not an email address",
        ),
        (
            ["--account", "S-200", "--email", "a@b.example", "--name", "A", "--role", "boss"],
            "unknown role 'boss'",
        ),
        (
            [
                "--account",
                "S-200",
                "--email",
                "kim@south.example",
                "--name",
                "K",
                "--role",
                "ap_contact",
            ],
            "already a contact",
        ),
    ]:
        result = run("contacts", "add", *args)
        assert result.exit_code != 0
        assert message in result.output
        assert "Traceback" not in result.output


def test_it_lists_accounts_with_open_balances_per_currency(run, shared_services):
    rows = json.loads(run("accounts", "list", "--json").output)
    north = next(r for r in rows if r["erp_id"] == "N-100")
    assert north["open_balance"] == [{"currency": "EUR", "amount": "230.5000"}]
    assert north["contacts"] == 2


def test_it_refuses_an_unknown_account_for_invoices(run, shared_services):
    result = run("invoices", "list", "--account", "X-999")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no account with ERP id 'X-999'"


def test_it_says_when_the_database_cannot_be_reached(tmp_path):
    env = {
        "ARDESK_VAR_DIR": str(tmp_path),
        "ARDESK_DATABASE_URL": "postgresql://ardesk:x@127.0.0.1:9/ardesk",
    }
    result = CliRunner().invoke(main, ["accounts", "list"], env=env)
    assert result.exit_code == 1
    assert "cannot use the database" in result.output
    assert "x@" not in result.output  # never the password


def test_it_asks_for_init_on_an_empty_database(tmp_path):
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/e.db"}
    result = CliRunner().invoke(main, ["contacts", "list"], env=env)
    assert result.exit_code == 1
    assert "run `ardesk init`" in result.output


def test_it_refuses_to_start_in_production_without_a_secret(tmp_path):
    env = {
        "ARDESK_ENV": "production",
        "ARDESK_SECRET_KEY": "",
        "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/e.db",
    }
    result = CliRunner().invoke(main, ["accounts", "list"], env=env)
    assert result.exit_code == 1
    assert "ARDESK_SECRET_KEY is required" in result.output


def test_init_refuses_a_production_setup_before_touching_the_schema(postgres, tmp_path):
    from core.config import load_settings
    from core.db import Database
    from core.migrate import current_revision
    from tests.support.production import production_environ

    url, _portal = postgres.create_database("ardesk_init_refused")
    environ = production_environ(tmp_path, ARDESK_DATABASE_URL=url)  # no portal role set
    result = CliRunner().invoke(main, ["init"], env=environ)
    assert result.exit_code == 1
    assert "ARDESK_PORTAL_DATABASE_URL is not set" in result.output
    db = Database.connect(load_settings(environ))
    assert current_revision(db.engine) is None  # nothing was migrated
    db.dispose()


def test_it_runs_on_a_newer_schema_but_not_on_an_older_one(tmp_path):
    """During an upgrade the previous version keeps running on the migrated (expanded) schema;
    a schema behind the code still asks for `ardesk init`."""
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path}/u.db"}
    assert CliRunner().invoke(main, ["init"], env=env).exit_code == 0
    engine = create_engine(env["ARDESK_DATABASE_URL"])
    for revision, works in (("9999_from_a_newer_version", True), ("0001", False)):
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
        result = CliRunner().invoke(main, ["contacts", "list"], env=env)
        assert (result.exit_code == 0) is works, result.output
    assert "schema is at revision 0001" in result.output and "run `ardesk init`" in result.output
    engine.dispose()
