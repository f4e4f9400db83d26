"""Demo data: deterministic, internally consistent, realistic, and loaded fast on both databases."""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import selectinload

from core.bulkload import BulkLoader, BulkLoadError
from core.db import Database
from core.demo.generate import DemoSpec, generate
from core.demo.load import DemoDataError, load_demo
from core.models import (
    LANGUAGES,
    Account,
    ChatMapping,
    ChatPlace,
    Contact,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    status_for,
)
from core.stored_form import stored_form_encoder

AS_OF = date(2026, 3, 31)
SMALL = DemoSpec(accounts=8, invoices_per_account=30, largest_account=140, seed=11, as_of=AS_OF)
CENT = Decimal("0.01")


def rows_of(spec: DemoSpec, dialect: str = "sqlite", chunk: int = 20_000) -> dict[str, list]:
    tables: dict[str, list] = defaultdict(list)
    for batch in generate(spec, dialect, chunk=chunk):
        for table, _columns, rows in batch.tables():
            tables[table].extend(rows)
    return dict(tables)


def loaded(db: Database, spec: DemoSpec = SMALL) -> Database:
    load_demo(db, spec)
    return db


def all_invoices(db: Database) -> list[Invoice]:
    with db.admin_session() as session:
        return list(session.scalars(select(Invoice).options(selectinload(Invoice.lines))))


def all_payments(db: Database) -> list[Payment]:
    with db.admin_session() as session:
        query = select(Payment).options(selectinload(Payment.allocations))
        return list(session.scalars(query))


def all_contacts(db: Database) -> list[Contact]:
    with db.admin_session() as session:
        return list(session.scalars(select(Contact)))


# Determinism


def test_it_gives_identical_rows_for_the_same_seed_whatever_the_batch_size() -> None:
    assert rows_of(SMALL) == rows_of(SMALL, chunk=7)
    assert rows_of(SMALL, "postgresql") == rows_of(SMALL, "postgresql")


def test_it_never_sends_a_row_before_the_rows_it_refers_to() -> None:
    # Appending to a database keeps foreign keys checked row by row on PostgreSQL.
    seen: dict[str, set[int]] = defaultdict(set)
    for batch in generate(SMALL, "sqlite", chunk=7):
        for table, _columns, rows in batch.tables():
            seen[table].update(row[0] for row in rows)
        assert {row[1] for row in batch.invoice_lines} <= seen["invoices"]
        assert {row[1] for row in batch.payment_allocations} <= seen["payments"]
        assert {row[2] for row in batch.payment_allocations} <= seen["invoices"]
        assert {row[-1] for row in batch.invoices} <= seen["accounts"]


def test_it_gives_different_rows_for_another_seed_or_day() -> None:
    reference = rows_of(SMALL)
    other_seed = DemoSpec(**{**SMALL.__dict__, "seed": 12})
    other_day = DemoSpec(**{**SMALL.__dict__, "as_of": AS_OF + timedelta(days=1)})
    assert rows_of(other_seed)["invoices"] != reference["invoices"]
    assert rows_of(other_seed)["accounts"] != reference["accounts"]
    assert rows_of(other_day)["invoices"] != reference["invoices"]


def test_it_generates_as_many_invoices_as_asked_with_one_large_account(db: Database) -> None:
    loaded(db)
    with db.admin_session() as session:
        query = select(Invoice.account_id, func.count()).group_by(Invoice.account_id)
        per_account = {account_id: count for account_id, count in session.execute(query)}
    assert sorted(per_account.values()) == [30] * 7 + [140]
    assert sum(per_account.values()) == SMALL.invoice_count


# Consistency, read back through the ORM


def test_its_amounts_add_up_on_every_invoice(db: Database) -> None:
    invoices = all_invoices(loaded(db))
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for payment in all_payments(db):
        for allocation in payment.allocations:
            allocated[allocation.invoice_id] += allocation.amount
    for invoice in invoices:
        assert invoice.lines, invoice
        assert sum(line.net_amount for line in invoice.lines) == invoice.subtotal
        assert sum(line.tax_amount for line in invoice.lines) == invoice.tax
        for line in invoice.lines:
            assert line.account_id == invoice.account_id
            assert line.net_amount == line.quantity * line.unit_price
        for amount in (invoice.subtotal, invoice.tax, invoice.total, invoice.amount_paid):
            assert isinstance(amount, Decimal) and amount == amount.quantize(CENT)
        void = invoice.status is InvoiceStatus.void
        if void:
            assert invoice.total == invoice.amount_paid == invoice.balance == 0
        else:
            assert invoice.subtotal + invoice.tax == invoice.total
        assert invoice.balance == invoice.total - invoice.amount_paid
        assert invoice.amount_paid == allocated[invoice.id]
        assert invoice.status is status_for(invoice.total, invoice.amount_paid, void=void)
        if invoice.kind is InvoiceKind.credit_note:
            assert invoice.total < 0 and invoice.balance <= 0
        else:
            assert invoice.total >= 0
        assert AS_OF - timedelta(days=730) <= invoice.issue_date <= AS_OF
        assert invoice.due_date >= invoice.issue_date
        assert invoice.created_at.tzinfo is not None
        assert invoice.created_at.utcoffset() == timedelta(0)


def test_its_payments_never_allocate_more_than_they_bring(db: Database) -> None:
    loaded(db)
    by_id = {invoice.id: invoice for invoice in all_invoices(db)}
    unapplied = []
    for payment in all_payments(db):
        allocated = sum((a.amount for a in payment.allocations), Decimal(0))
        assert payment.amount > 0 and allocated <= payment.amount
        assert payment.reference and payment.method
        assert payment.received_on <= AS_OF
        for allocation in payment.allocations:
            invoice = by_id[allocation.invoice_id]
            assert invoice.account_id == payment.account_id == allocation.account_id
            assert invoice.currency == payment.currency
            assert allocation.applied_on >= invoice.issue_date
        unapplied.append(payment.amount - allocated)
    assert any(amount > 0 for amount in unapplied), "some over-payment leaves unapplied cash"


def test_it_mixes_every_status_and_kind_over_two_years(db: Database) -> None:
    invoices = all_invoices(loaded(db))
    statuses = Counter(invoice.status for invoice in invoices)
    assert set(statuses) == set(InvoiceStatus)
    kinds = Counter(invoice.kind for invoice in invoices)
    assert kinds[InvoiceKind.credit_note] > 0
    assert any(i.kind is InvoiceKind.credit_note and i.status is InvoiceStatus.paid
               for i in invoices), "some credit note applied in a payment"
    overdue_days = {
        (AS_OF - i.due_date).days // 30 for i in invoices if i.is_open and i.due_date < AS_OF
    }
    assert len(overdue_days) >= 3, "overdue invoices in several aging buckets"
    assert sum(1 for i in invoices if i.po_number) > len(invoices) / 3
    assert {i.issue_date.year for i in invoices} >= {AS_OF.year - 2, AS_OF.year - 1, AS_OF.year}


# Realism


def test_its_contacts_cover_every_role_and_language_at_the_accounts_domains(db: Database) -> None:
    contacts = all_contacts(loaded(db))
    assert {c.role for c in contacts} == {"ap_contact", "finance_approver", "account_manager"}
    languages = {c.language for c in contacts}
    assert languages <= set(LANGUAGES) and len(languages) >= 5
    for contact in contacts:
        assert contact.email.split("@")[1] in contact.account.email_domains
        assert contact.email == contact.email.lower()
    accounts_per_address = Counter(c.email for c in contacts)
    assert max(accounts_per_address.values()) >= 2, "a shared-service address of two accounts"


def test_its_contacts_chat_as_the_bot_knows_them_in_places_bound_to_their_account(
        db: Database) -> None:
    loaded(db)
    with db.admin_session() as session:
        mappings = session.scalars(select(ChatMapping))
        places = {(m.place, m.external_id): m.account_id for m in mappings}
        contacts = list(session.scalars(select(Contact)))
    first = min(c.account_id for c in contacts)
    assert {p for (p, _), account in places.items() if account == first} == set(ChatPlace)
    slack = [c for c in contacts if c.slack_user_id]
    teams = [c for c in contacts if c.teams_user_id]
    assert slack and teams and len(slack) < len(contacts) and len(teams) < len(contacts)
    for contact in slack:  # the pair the bot matches on, in a team bound to the account
        assert places[(ChatPlace.slack_team, contact.slack_team_id)] == contact.account_id
        assert re.fullmatch(r"U[0-9A-F]{10}", contact.slack_user_id)
    for contact in teams:  # Entra ID object id and tenant, the tenant bound to the account
        assert places[(ChatPlace.teams_tenant, contact.teams_tenant_id)] == contact.account_id
        assert str(uuid.UUID(contact.teams_user_id)) == contact.teams_user_id
    assert len({(c.slack_team_id, c.slack_user_id) for c in slack}) == len(slack)
    assert len({c.teams_user_id for c in teams}) == len(teams)
    assert all(c.slack_team_id is None for c in contacts if not c.slack_user_id)


def test_its_invoices_are_numbered_in_several_erp_styles_unique_per_source(db: Database) -> None:
    invoices = all_invoices(loaded(db))
    styles = {
        "sap": r"9\d{7}", "epicor": r"\d{6}", "netsuite": r"(INV|CM)-\d+",
        "bc_emea": r"(PSI|PSCM)-\d{6}", "bc_us": r"S-(INV|CR)\d+",
        "odoo": r"R?INV/20\d\d/\d{5}",
    }
    seen = Counter((invoice.source, invoice.number) for invoice in invoices)
    assert max(seen.values()) == 1
    assert {invoice.source for invoice in invoices} == set(styles)
    for invoice in invoices:
        assert re.fullmatch(styles[invoice.source], invoice.number), invoice.number


def test_it_bills_in_several_currencies_and_some_account_in_two(db: Database) -> None:
    invoices = all_invoices(loaded(db))
    assert {i.currency for i in invoices} >= {"EUR", "USD", "GBP"}
    currencies = defaultdict(set)
    for invoice in invoices:
        currencies[invoice.account_id].add(invoice.currency)
    assert max(len(found) for found in currencies.values()) == 2
    with db.admin_session() as session:
        names = session.scalars(select(Account.name)).all()
    assert len(set(names)) == len(names) == SMALL.accounts


def test_a_scoped_session_sees_only_its_accounts_demo_data(db: Database) -> None:
    loaded(db)
    with db.admin_session() as session:
        account_id, expected = session.execute(
            select(Invoice.account_id, func.count()).group_by(Invoice.account_id).limit(1)
        ).one()
    with db.account_scope(account_id) as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == expected
        assert {p.account_id for p in session.scalars(select(Payment))} <= {account_id}


# Loading


def test_it_refuses_a_database_that_holds_data_unless_appending(db: Database) -> None:
    loaded(db)
    with pytest.raises(DemoDataError, match="--append"):
        load_demo(db, SMALL)
    # Small batches: on PostgreSQL, appending checks foreign keys row by row as they come.
    load_demo(db, SMALL, append=True, chunk=7)
    with db.admin_session() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 2 * SMALL.invoice_count
        assert session.scalar(select(func.count()).select_from(Account)) == 2 * SMALL.accounts


def test_it_loads_through_a_child_process_the_same_rows(db: Database, tmp_path) -> None:
    result = load_demo(db, SMALL, child_process=True, chunk=50)
    assert result.rows["invoices"] == SMALL.invoice_count
    assert result.rows == {table: len(rows) for table, rows in rows_of(SMALL).items()}


def test_it_keeps_indexes_and_moves_sequences_past_loaded_ids(db: Database) -> None:
    def indexes() -> set[str]:
        inspector = inspect(db.engine)
        return {ix["name"] for table in ("invoices", "invoice_lines", "payment_allocations")
                for ix in inspector.get_indexes(table)}

    before = indexes()
    loaded(db)
    assert indexes() == before
    if db.dialect == "sqlite":  # back in WAL mode after loading with a rollback journal
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with db.admin_session() as session:
        account = session.scalars(select(Account).limit(1)).one()
        extra = Invoice(account_id=account.id, erp_id="extra", number="extra", issue_date=AS_OF,
                        due_date=AS_OF, currency="EUR", subtotal=Decimal(1), tax=Decimal(0),
                        total=Decimal(1), balance=Decimal(1))
        session.add(extra)
        session.flush()
        assert extra.id == SMALL.invoice_count + 1


def test_its_bulk_loader_takes_python_values_and_the_orm_reads_them_back(db: Database) -> None:
    accounts = Account.__table__
    invoices = Invoice.__table__
    account_columns = ("id", "source", "erp_id", "name", "currency", "email_domains", "status",
                       "created_at", "updated_at")
    invoice_columns = ("id", "account_id", "source", "erp_id", "number", "kind", "issue_date",
                       "due_date", "currency", "subtotal", "tax", "total", "amount_paid",
                       "balance", "status", "created_at", "updated_at")
    at = datetime(2026, 1, 2, 3, 4, 5, 600_000, tzinfo=UTC)
    encode_account = stored_form_encoder(accounts, account_columns, db.dialect)
    encode_invoice = stored_form_encoder(invoices, invoice_columns, db.dialect)
    with BulkLoader(db) as loader:
        loader.load("accounts", account_columns, [
            encode_account((7, "csv", "A-7", "Müller GmbH", "EUR", ["mueller.de"], "on_hold",
                            at, at)),
        ])
        loader.load("invoices", invoice_columns, [
            encode_invoice((40, 7, "csv", "I-40", "R-40", InvoiceKind.credit_note,
                            date(2026, 1, 2), date(2026, 2, 1), "EUR", Decimal("-100.10"),
                            Decimal("-19.02"), Decimal("-119.12"), Decimal(0),
                            Decimal("-119.12"), InvoiceStatus.open, at, at)),
        ])
    assert loader.rows_loaded == {"accounts": 1, "invoices": 1}
    with db.admin_session() as session:
        invoice = session.get(Invoice, 40)
        assert invoice is not None
        assert invoice.kind is InvoiceKind.credit_note and invoice.status is InvoiceStatus.open
        assert invoice.total == Decimal("-119.12") and isinstance(invoice.total, Decimal)
        assert invoice.issue_date == date(2026, 1, 2)
        assert invoice.created_at == at and invoice.created_at.tzinfo is not None
        account = session.get(Account, 7)
        assert account is not None and account.email_domains == ["mueller.de"]
        assert account.status.value == "on_hold"


def test_its_bulk_loader_keeps_nothing_when_a_row_is_wrong(db: Database) -> None:
    columns = ("id", "account_id", "name", "email", "role", "active", "source", "created_at",
               "updated_at")
    encode = stored_form_encoder(Contact.__table__, columns, db.dialect)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    orphan = encode((1, 999, "Nobody", "nobody@example.com", "ap_contact", True, "x", at, at))
    with pytest.raises(BulkLoadError, match=r"(?i)foreign key"), BulkLoader(db) as loader:
        loader.load("contacts", columns, [orphan])
    with db.admin_session() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert {ix["name"] for ix in inspect(db.engine).get_indexes("contacts")} >= {
        "ix_contacts_email", "ix_contacts_account_id"
    }


def test_its_bulk_loader_needs_a_context_and_an_existing_table(db: Database) -> None:
    with pytest.raises(RuntimeError):
        BulkLoader(db).load("accounts", ("id",), [])
    with pytest.raises(BulkLoadError, match="no table 'ledgers'"), BulkLoader(db) as loader:
        loader.load("ledgers", ("id",), [(1,)])


# The command


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    return {
        "ARDESK_ENV": "development",
        "ARDESK_VAR_DIR": str(tmp_path / "var"),
        "ARDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "ARDESK_PORTAL_DATABASE_URL": "",
    }


def run_cli(args: list[str], env: dict[str, str], tmp_path, monkeypatch):
    from ardesk.cli import main

    monkeypatch.chdir(tmp_path)  # no stray .env file
    return CliRunner().invoke(main, args, env=env)


def test_the_command_loads_then_refuses_to_load_again(cli_env, tmp_path, monkeypatch) -> None:
    args = ["demo-data", "--accounts", "3", "--invoices-per-account", "10",
            "--largest-account", "25", "--seed", "5", "--as-of", "2026-03-31"]
    first = run_cli(args, cli_env, tmp_path, monkeypatch)
    assert first.exit_code == 0, first.output
    assert "3 accounts" in first.output and "45 invoices" in first.output

    again = run_cli(args, cli_env, tmp_path, monkeypatch)
    assert again.exit_code != 0
    assert again.output.strip().splitlines() == [
        "Error: the database already holds data; use --append to add demo data to it"
    ]
    assert "Traceback" not in again.output

    appended = run_cli([*args, "--append"], cli_env, tmp_path, monkeypatch)
    assert appended.exit_code == 0, appended.output


def test_the_command_refuses_production(cli_env, tmp_path, monkeypatch) -> None:
    env = {**cli_env, "ARDESK_ENV": "production", "ARDESK_SECRET_KEY": "k" * 40}
    result = run_cli(["demo-data", "--accounts", "1"], env, tmp_path, monkeypatch)
    assert result.exit_code != 0
    assert "production" in result.output and "Traceback" not in result.output


# What complete copies and e-invoices need


def test_its_customers_and_lines_carry_what_a_complete_copy_and_an_einvoice_need(
    db: Database,
) -> None:
    from core.documents.eligibility import missing
    from core.documents.facts import entity_code, invoice_facts
    from core.documents.formats import Format
    from mailers.brand import EXAMPLE_BRAND_FILE, read_brand_file

    loaded(db)
    brand = read_brand_file(EXAMPLE_BRAND_FILE)
    with db.admin_session() as session:
        accounts = {a.id: a for a in session.scalars(select(Account))}
        for account in accounts.values():
            shape = r"\d\d-\d{7}" if account.country_code == "US" else account.country_code + ".+"
            assert re.fullmatch(shape, account.tax_id or ""), account.tax_id
            assert account.address_line1 and account.postal_code and account.city
            assert re.fullmatch(r"Net \d+ days", account.payment_terms or "")
        invoices = list(
            session.scalars(
                select(Invoice)
                .options(selectinload(Invoice.lines))
                .where(Invoice.status == InvoiceStatus.open, Invoice.currency == "EUR")
            )
        )
        assert invoices
        for invoice in invoices:
            assert {line.tax_category for line in invoice.lines} <= {"S", "Z"}
            assert all(
                (line.tax_category == "S") == (line.tax_rate > 0) for line in invoice.lines
            )
        invoice = invoices[0]
        account = accounts[invoice.account_id]
        seller = brand.legal_entity(entity_code(invoice, account))
        assert missing(invoice_facts(invoice, account, seller), Format.facturx) == ()
