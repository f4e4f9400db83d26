"""The CSV drop: the shipped example, malformed rows, re-runs, deletions, dry runs, AR's fields."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from ardesk.commands.sync import sync as sync_command
from ardesk.runtime import Runtime
from connectors.sync.engine import SyncFailed
from core.models import Account, Contact, Invoice, SyncRun
from tests.connectors.conftest import (
    EXAMPLES,
    invoice,
    invoice_gone,
    nothing_changed,
    snapshot,
    sync,
    write_sources,
)


def test_it_loads_the_shipped_example(db):
    report = sync(db, EXAMPLES / "csv" / "sources.toml", "example")

    assert report.inserted == {
        "accounts": 2, "contacts": 3, "invoices": 5, "lines": 6, "payments": 2,
    }  # fmt: skip
    assert report.rejected == []
    assert invoice(db, "RE-2026-0101").status == "paid"
    uk = invoice(db, "INV-UK-5001")
    assert (uk.total, uk.amount_paid, uk.balance, uk.status) == (
        Decimal("5040"), Decimal("2000"), Decimal("3040"), "partially_paid",
    )  # fmt: skip
    credit = invoice(db, "GS-2026-0007")
    assert credit.kind == "credit_note" and credit.total == Decimal("-119") and credit.is_open
    assert invoice(db, "RE-2026-0103").status == "void"
    assert invoice(db, "RE-2026-0101").lines[1].description == "Freight"
    with db.admin_session() as s:
        roles = dict(s.execute(select(Contact.email, Contact.role)).all())
    assert roles["anna.becker@northwind.example"] == "finance_approver"
    assert roles["ap@northwind.example"] == "ap_contact"  # the source's default role


def test_it_changes_nothing_when_run_again(db):
    sources = EXAMPLES / "csv" / "sources.toml"
    sync(db, sources, "example")
    before = snapshot(db)

    again = sync(db, sources, "example")
    full = sync(db, sources, "example", full=True)

    assert nothing_changed(again) and nothing_changed(full)
    assert full.unchanged["invoices"] == 5 and full.unchanged["lines"] == 6
    assert snapshot(db) == before


def test_a_dry_run_reports_and_writes_nothing(db):
    report = sync(db, EXAMPLES / "csv" / "sources.toml", "example", dry_run=True)

    assert report.inserted["invoices"] == 5
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0
        assert s.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_a_malformed_row_is_reported_and_kept_out(db, example_dir):
    with (example_dir / "invoices.csv").open("a") as handle:
        handle.write("RE-2026-0999;INV;posted;C10001;31.02.2026;;EUR;1,00;0,00;1,00;;2026-10-04\n")
        handle.write("RE-2026-0998;INV;posted;C99999;01.10.2026;;EUR;1,00;0,00;1,00;;2026-10-04\n")
        handle.write("RE-2026-0997;INV;posted;C10001;01.10.2026;;EUR;zwei;0,00;2,00;;2026-10-04\n")
    with (example_dir / "invoice_lines.csv").open("a") as handle:
        handle.write("RE-2026-0102;2;X;Broken line;eins;1,00;19;1,00;0,19\n")

    report = sync(db, example_dir / "sources.toml", "example")

    rejected = {(r.record, r.row, r.field) for r in report.rejected}
    assert ("invoices", "invoices.csv:7", "issue_date") in rejected
    assert ("invoices", "invoices.csv:8", "account") in rejected
    assert ("invoices", "invoices.csv:9", "subtotal") in rejected
    assert ("lines", "invoice_lines.csv:8", "quantity") in rejected
    # The invoice whose line is broken stays out whole; the others are in.
    assert ("invoices", "invoices.csv:3", "lines") in rejected
    assert report.inserted["invoices"] == 4
    reasons = {r.field: r.reason for r in report.rejected}
    assert "31.02.2026" in reasons["issue_date"] and "%d.%m.%Y" in reasons["issue_date"]
    assert reasons["account"] == "unknown account 'C99999'"


def test_a_changed_invoice_is_updated_and_the_rest_left_alone(db, example_dir):
    sources = example_dir / "sources.toml"
    sync(db, sources, "example")
    path = example_dir / "invoices.csv"
    text = path.read_text().replace(
        "RE-2026-0102;INV;posted;C10001;15.09.2026;15.10.2026;EUR;250,00;47,50;297,50;PO-4712;2026-09-15",
        "RE-2026-0102;INV;posted;C10001;15.09.2026;15.10.2026;EUR;300,00;57,00;357,00;PO-4712;2026-10-05",
    )
    path.write_text(text)

    report = sync(db, sources, "example", full=True)

    assert report.updated["invoices"] == 1 and report.unchanged["invoices"] == 4
    assert invoice(db, "RE-2026-0102").balance == Decimal("357")


def test_deletions_in_the_erp_remove_invoices_and_payments(db, example_dir):
    sources = example_dir / "sources.toml"
    sync(db, sources, "example")
    for name, gone in (("invoices.csv", "RE-2026-0102"), ("payments.csv", "PAY-9002")):
        path = example_dir / name
        path.write_text("".join(line for line in path.open() if gone not in line))

    report = sync(db, sources, "example", full=True)

    assert report.removed["invoices"] == 1 and report.removed["payments"] == 1
    assert invoice_gone(db, "RE-2026-0102")
    uk = invoice(db, "INV-UK-5001")  # its payment is gone: owed in full again
    assert (uk.amount_paid, uk.balance, uk.status) == (Decimal(0), Decimal("5040"), "open")


def test_what_ar_set_in_ardesk_survives_a_sync(db, example_dir):
    sources = example_dir / "sources.toml"
    sync(db, sources, "example")
    with db.admin_session() as s:
        s.execute(
            update(Contact)
            .where(Contact.email == "ap@northwind.example")
            .values(role="account_manager", language="en", slack_user_id="U123")
        )
    path = example_dir / "contacts.csv"
    path.write_text(path.read_text().replace("Jonas Weber", "Jonas Weber-Schmidt"))

    report = sync(db, sources, "example")

    assert report.updated["contacts"] == 1
    with db.admin_session() as s:
        jonas = s.scalars(select(Contact).where(Contact.email == "ap@northwind.example")).one()
    assert (jonas.name, jonas.role, jonas.language, jonas.slack_user_id) == (
        "Jonas Weber-Schmidt", "account_manager", "en", "U123",
    )  # fmt: skip


def test_a_failing_source_is_retried_then_leaves_the_data_as_it_was(db, example_dir):
    sources = example_dir / "sources.toml"
    sync(db, sources, "example")
    before = snapshot(db)
    (example_dir / "payments.csv").unlink()
    (example_dir / "invoices.csv").write_text(
        (example_dir / "invoices.csv").read_text().replace("1.190,00", "9.999,00")
    )

    with pytest.raises(SyncFailed, match="after 3 attempt"):
        sync(db, sources, "example", full=True)

    assert snapshot(db) == before
    with db.admin_session() as s:
        last = s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
    assert last.status == "failed" and "payments.csv" in last.error


def test_it_detects_encoding_and_delimiter(db, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "customers.csv").write_bytes(
        "Nr\tFirma\tWährung\nK1\tMüller & Söhne\tEUR\n".encode("utf-8-sig")
    )
    (folder / "belege.csv").write_bytes(
        "Beleg;Kunde;Datum;Betrag\nR-1;K1;2026-10-01;1.234,56\n".encode("cp1252")
    )
    (folder / "sources.toml").write_text(
        """
[sources.drop]
kind = "csv"
files = { accounts = "customers.csv", invoices = "belege.csv" }
[sources.drop.mapping.accounts]
erp_id = "Nr"
name = "Firma"
currency = "Währung"
[sources.drop.mapping.invoices]
erp_id = "Beleg"
account = "Kunde"
issue_date = "Datum"
currency = { constant = "EUR" }
total = { field = "Betrag", decimal = ",", thousands = "." }
""",
        encoding="utf-8",
    )

    report = sync(db, folder / "sources.toml", "drop")

    assert report.rejected == [] and report.inserted["invoices"] == 1
    assert invoice(db, "R-1").total == Decimal("1234.56")


def test_it_reads_an_excel_workbook(db, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Customers"
    sheet.append(["No", "Name", "Currency"])
    sheet.append([4711, "Fabrikam Inc.", "USD"])
    docs = book.create_sheet("Invoices")
    docs.append(["Doc", "Customer", "Date", "Amount"])
    docs.append(["F-1", 4711, datetime(2026, 10, 1), 99.95])
    book.save(tmp_path / "ar.xlsx")
    (tmp_path / "sources.toml").write_text(
        """
[sources.book]
kind = "csv"
workbook = "ar.xlsx"
sheets = { accounts = "Customers", invoices = "Invoices" }
[sources.book.mapping.accounts]
erp_id = "No"
name = "Name"
currency = "Currency"
[sources.book.mapping.invoices]
erp_id = "Doc"
account = "Customer"
issue_date = "Date"
currency = { constant = "USD" }
total = "Amount"
"""
    )

    report = sync(db, tmp_path / "sources.toml", "book")

    assert report.rejected == []
    found = invoice(db, "F-1")
    assert found.total == Decimal("99.95") and str(found.issue_date) == "2026-10-01"


def test_the_command_prints_the_report_as_json(db, tmp_path):
    env = {
        "ARDESK_ENV": "test",
        "ARDESK_VAR_DIR": str(tmp_path),
        "ARDESK_SECRET_KEY": db.settings.secret_key,
        "ARDESK_DATABASE_URL": db.settings.database_url,
        "ARDESK_PORTAL_DATABASE_URL": db.settings.portal_database_url,
        "ARDESK_SOURCES_FILE": str(EXAMPLES / "csv" / "sources.toml"),
    }
    runner = CliRunner()
    runtime = Runtime()

    try:
        result = runner.invoke(sync_command, ["example", "--json"], env=env, obj=runtime)
        missing = runner.invoke(sync_command, ["nope"], env=env, obj=runtime)
    finally:
        runtime.close()  # the group closes it in `ardesk`; here the command runs alone

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {
        "source",
        "inserted",
        "updated",
        "removed",
        "unchanged",
        "suppressed",
        "rejected",
        "documents",
        "reconciliation",
        "duration_s",
    }
    assert report["inserted"]["lines"] == 6
    assert missing.exit_code == 1
    assert "no source 'nope'" in missing.output and "Traceback" not in missing.output


def test_a_drop_brings_the_billing_party_and_terms_e_invoices_need(db, tmp_path):
    (tmp_path / "customers.csv").write_text(
        "no;name;cur;vat_id;street;zip;town;state;country;terms\n"
        "K1;Nordwind Logistik AG;EUR;DE811907980;Hafenstr. 5;20457;Hamburg;HH;de;30 Tage netto\n"
    )
    (tmp_path / "invoices.csv").write_text(
        "doc;no;date;cur;gross;terms;entity;ref\n"
        "R-1;K1;2026-10-01;EUR;119.00;14 Tage 2 %;DE01;RF18539007547034\n"
    )
    (tmp_path / "lines.csv").write_text(
        "doc;text;net;vat;rate;category\nR-1;Transport;100.00;19.00;19;s\n"
    )
    sources = write_sources(
        tmp_path,
        """
[sources.drop]
kind = "csv"
path = "."
[sources.drop.files]
accounts = "customers.csv"
invoices = "invoices.csv"
lines = "lines.csv"
[sources.drop.mapping.accounts]
erp_id = "no"
name = "name"
currency = "cur"
tax_id = "vat_id"
address_line1 = "street"
postal_code = "zip"
city = "town"
region = "state"
country_code = "country"
payment_terms = "terms"
[sources.drop.mapping.invoices]
erp_id = "doc"
account = "no"
issue_date = "date"
currency = "cur"
total = "gross"
payment_terms = "terms"
legal_entity = "entity"
payment_reference = "ref"
[sources.drop.mapping.lines]
invoice = "doc"
description = "text"
net_amount = "net"
tax_amount = "vat"
tax_rate = "rate"
tax_category = "category"
""",
    )

    report = sync(db, sources, "drop")

    assert report.rejected == []
    with db.admin_session() as s:
        party = s.scalars(select(Account)).one()
        assert (party.tax_id, party.address_line1, party.postal_code, party.city) == (
            "DE811907980",
            "Hafenstr. 5",
            "20457",
            "Hamburg",
        )
        assert (party.region, party.country_code, party.payment_terms) == (
            "HH",
            "DE",
            "30 Tage netto",
        )
    found = invoice(db, "R-1")
    assert (found.payment_terms, found.legal_entity, found.payment_reference) == (
        "14 Tage 2 %",
        "DE01",
        "RF18539007547034",
    )
    assert found.lines[0].tax_category == "S"
