"""The bot finds every invoice the portal shows, however the sender writes its number.

Through `ardesk handle-eml`, from understanding to resolve, against the shipped CSV example and
against each numbering style the demo data generates.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ardesk.cli import main
from core.demo.generate import DemoSpec
from core.demo.load import load_demo
from core.models import Account, Contact, Invoice
from tests.bot.conftest import EXTRA
from tests.connectors.conftest import EXAMPLES, sync
from tests.support.cli import cli_env


def _eml(sender: str, subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ar@supplier.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    message["Message-ID"] = f"<{abs(hash((sender, subject, body)))}@customer.example>"
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def bot(db, tmp_path):
    db.settings = db.settings.replace(**{name.lower(): value for name, value in EXTRA.items()})
    env = cli_env(db.settings, tmp_path)

    def handle(sender: str, subject: str, body: str) -> dict:
        path = tmp_path / "message.eml"
        path.write_bytes(_eml(sender, subject, body))
        result = CliRunner().invoke(
            main, ["handle-eml", str(path), "--dry-run", "--json"], env=env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return handle


def linked(decision: dict) -> list[str]:
    return [link["invoice"] for link in decision["links"] if link.get("invoice")]


@pytest.fixture
def example(db, bot):
    sync(db, EXAMPLES / "csv" / "sources.toml", "example")
    return bot


@pytest.mark.parametrize(
    "subject, body",
    [
        ("Kopie Rechnung", "Hallo,\nbitte senden Sie uns eine Kopie der Rechnung RE-2026-0102."),
        ("Rechnung", "Guten Tag, können Sie uns die Rechnung 2026-0102 nochmal schicken?"),
        ("Rechnungskopie", "Hallo, wir benötigen eine Kopie von Rechnung Nr. 0102. Danke"),
        ("Copy of invoice", "Hi, please resend invoice re-2026-0102, we cannot find it."),
    ],
)
def test_the_example_contact_gets_the_invoice_however_they_write_it(example, subject, body):
    decision = example("Jonas Weber <ap@northwind.example>", subject, body)
    assert decision["understanding"]["intents"] == ["invoice_copy"]
    assert decision["action"] == "reply"
    assert linked(decision) == ["RE-2026-0102"]


def test_a_number_with_a_country_series_is_found(example):
    decision = example(
        "Oliver Smith <payables@contoso.example>",
        "Invoice copy",
        "Hello,\n\nCould you send us a copy of INV-UK-5001 please?\n\nOliver",
    )
    assert decision["understanding"]["invoice_numbers"] == ["INV-UK-5001"]
    assert linked(decision) == ["INV-UK-5001"]


def test_another_accounts_number_reads_not_found(example):
    decision = example(
        "Oliver Smith <payables@contoso.example>",
        "Invoice copy",
        "Hello, could you send us a copy of invoice RE-2026-0102?",
    )
    assert linked(decision) == []
    (copies,) = decision["answers"]
    assert list(copies["not_found"]) == ["RE-2026-0102"]
    assert "Northwind" not in json.dumps(decision)


def _one_document_per_style(db) -> dict[tuple[str, str], tuple[str, str]]:
    """For each ERP style and document kind (invoice, credit note): a number and the AP contact
    of its account."""
    chosen: dict[tuple[str, str], tuple[str, str]] = {}
    with db.admin_session() as session:
        rows = session.execute(
            select(Invoice.source, Invoice.kind, Invoice.number, Contact.email)
            .join(Account, Account.id == Invoice.account_id)
            .join(Contact, Contact.account_id == Account.id)
            .where(Contact.role == "ap_contact")
            .order_by(Invoice.id)
        ).all()
    for source, kind, number, email in rows:
        chosen.setdefault((source, str(kind.value)), (number, email))
    return chosen


@pytest.fixture
def demo(db, bot):
    load_demo(db, DemoSpec(accounts=12, invoices_per_account=6, seed=11, as_of=date(2026, 11, 2)))
    return bot


def test_every_demo_numbering_style_is_found_as_written_and_by_its_tail(db, demo):
    documents = _one_document_per_style(db)
    styles = {source for source, _ in documents}
    assert styles == {"sap", "epicor", "netsuite", "bc_emea", "bc_us", "odoo"}
    assert len(documents) > len(styles)  # credit notes of some styles too
    for source, (number, email) in documents.items():
        written = demo(email, "Invoice copy", f"Hello, please send a copy of invoice {number}.")
        assert linked(written) == [number], (source, number, written["understanding"])
        # The digits the sender reads off the PDF's footer, without the series prefix.
        tail = number.rsplit("/", 1)[-1].rsplit("-", 1)[-1].removeprefix("INV").removeprefix("CR")
        by_tail = demo(email, "Invoice copy", f"Hello, please send a copy of invoice {tail}.")
        assert number in linked(by_tail), (source, number, tail, by_tail["understanding"])


def test_a_bare_number_on_the_senders_account_is_confirmed_and_answered(example):
    decision = example(
        "Jonas Weber <ap@northwind.example>",
        "Frage",
        "Hallo, wie ist der Stand bei 2026-0102? Ist unsere Zahlung eingegangen?",
    )
    assert decision["understanding"]["invoice_numbers"] == []
    assert decision["understanding"]["candidates"] == ["2026-0102"]
    (status,) = [a for a in decision["answers"] if a["type"] == "PaymentStatusAnswer"]
    assert [item["invoice"]["number"] for item in status["invoices"]] == ["RE-2026-0102"]


def test_a_bare_number_from_another_account_is_dropped_without_a_word(example):
    decision = example(
        "Oliver Smith <payables@contoso.example>",
        "Question",
        "Hello, any news on 2026-0102? Has our payment been received?",
    )
    assert decision["understanding"]["candidates"] == ["2026-0102"]
    assert "RE-2026-0102" not in json.dumps(decision["answers"])
    assert "2026-0102" not in json.dumps(decision["answers"])


def test_documents_only_in_an_attachment_go_to_a_person(example):
    decision = example(
        "Jonas Weber <ap@northwind.example>",
        "Zahlungsavis",
        "Guten Tag,\n\nanbei erhalten Sie unser Zahlungsavis.\n\nMit freundlichen Grüßen",
    )
    assert decision["understanding"]["numbers_in_attachment"] is True
    assert decision["action"] == "handoff"
    assert decision["handoff_reason"] == "documents only in an attachment"
    assert decision["answers"] == []


def test_a_thunderbird_reply_written_below_the_quote_is_answered(example):
    decision = example(
        "Jonas Weber <ap@northwind.example>",
        "Re: Zahlungserinnerung",
        "Am 20.11.2026 um 09:14 schrieb Buchhaltung:\n"
        "> Sehr geehrte Damen und Herren,\n"
        "> die Rechnung RE-2026-0101 ist überfällig.\n"
        "\n"
        "Hallo,\n"
        "bitte schicken Sie uns eine Kopie der Rechnung RE-2026-0102.\n"
        "\n"
        "Gruß\nJonas\n",
    )
    assert decision["understanding"]["new_text"].startswith("Hallo,\nbitte schicken Sie uns")
    assert decision["understanding"]["invoice_numbers"] == ["RE-2026-0102"]
    assert linked(decision) == ["RE-2026-0102"]


_REMINDER = (
    "\n\nVon: Buchhaltung <ar@supplier.example>\n"
    "Gesendet: Montag, 26. Oktober 2026 09:00\n"
    "An: Jonas Weber <ap@northwind.example>\n"
    "Betreff: Zahlungserinnerung\n\n"
    "Sehr geehrte Damen und Herren,\n\n"
    "die Rechnungen {numbers} sind überfällig.\n\n"
    "Mit freundlichen Grüßen\nBuchhaltung"
)


def test_a_reply_pointing_at_the_reminders_invoices_links_exactly_those(example):
    decision = example(
        "Jonas Weber <ap@northwind.example>",
        "AW: Zahlungserinnerung",
        "Hallo,\n\nbitte senden Sie uns eine Kopie dieser beiden Rechnungen, sie sind nie bei "
        "uns angekommen.\n\nGruß\nJonas"
        + _REMINDER.format(numbers="RE-2026-0101 und RE-2026-0102"),
    )
    understood = decision["understanding"]
    assert understood["new_text"].startswith("Hallo")
    assert understood["invoice_numbers"] == ["RE-2026-0101", "RE-2026-0102"]
    assert understood["references_from_thread"] is True
    assert decision["action"] == "reply"
    assert set(linked(decision)) == {"RE-2026-0101", "RE-2026-0102"}  # and the link to both


def test_a_pointed_at_number_of_another_account_is_not_found_on_the_senders(example):
    # The quoted text is the sender's to write: a number of another account in it stays unknown.
    decision = example(
        "Jonas Weber <ap@northwind.example>",
        "AW: Zahlungserinnerung",
        "Hallo, bitte schicken Sie uns diese Rechnungen noch einmal."
        + _REMINDER.format(numbers="INV-UK-5001 und RE-2026-0102"),
    )
    assert decision["understanding"]["references_from_thread"] is True
    assert linked(decision) == ["RE-2026-0102"]
    assert "Contoso" not in json.dumps(decision)


def test_one_invoice_pointed_at_among_several_goes_to_a_person(example):
    decision = example(
        "Jonas Weber <ap@northwind.example>",
        "AW: Zahlungserinnerung",
        "Hallo, können Sie mir diese Rechnung nochmal schicken? Das PDF ist leer."
        + _REMINDER.format(numbers="RE-2026-0101 und RE-2026-0102"),
    )
    understood = decision["understanding"]
    assert understood["invoice_numbers"] == []
    assert understood["thread_ambiguous"] is True
    assert decision["handoff"] is True
    assert decision["handoff_reason"] == "points at documents in the thread without saying which"
    assert linked(decision) == []
