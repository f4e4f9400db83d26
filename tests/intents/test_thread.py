"""A reply that points at the thread's documents ("copies of those", "la facture ci-dessous",
"die von letzter Woche") without naming them asks for the documents the quoted text names; one
that cannot be tied to specific ones goes to a person, never answered with a guess."""

import json
from datetime import date
from pathlib import Path

import pytest

from intents import understand
from intents.newtext import read_body
from intents.thread import MAX_POINTED, from_thread, pointer

RECEIVED = date(2026, 11, 25)  # a Wednesday: "last week" is 16-22 November
DEV = Path(__file__).resolve().parents[1] / "data" / "intents" / "dev.jsonl"

REMINDER_EN = (
    "On Mon, 23 Nov 2026 at 08:00, AR <ar@supplier.example> wrote:\n"
    "> Dear customer,\n> Invoices 3301 and 3312 are now overdue.\n> AR team"
)


def test_a_reply_to_the_reminder_asking_for_copies_of_those_gets_both_invoices():
    result = understand(
        "RE: Overdue invoices",
        f"Hi, could you send copies of those please? We never got them.\n\nSam\n\n{REMINDER_EN}",
        RECEIVED,
    )
    assert result.intents == ("invoice_copy",)
    assert result.invoice_numbers == ("3301", "3312")
    assert result.references_from_thread and not result.thread_ambiguous
    assert json.loads(result.to_json())["references_from_thread"] is True


def test_one_pointed_at_among_several_is_handed_to_a_person_without_numbers():
    result = understand(
        "RE: Overdue invoices",
        f"Hi, could you resend that one? The PDF was blank.\n\n{REMINDER_EN}",
        RECEIVED,
    )
    assert result.invoice_numbers == ()
    assert result.thread_ambiguous and result.needs_human
    assert not result.references_from_thread


def test_numbers_only_the_quote_names_stay_out_when_nothing_points_at_them():
    result = understand(
        "RE: Overdue invoices",
        f"Thanks. What is our total balance with you at the moment?\n\n{REMINDER_EN}",
        RECEIVED,
    )
    assert result.invoice_numbers == ()
    assert not result.references_from_thread and not result.thread_ambiguous


def test_a_number_the_new_text_names_wins_over_the_thread():
    result = understand(
        "RE: Overdue invoices",
        f"Please resend 3312. We have the other one.\n\n{REMINDER_EN}",
        RECEIVED,
    )
    assert result.invoice_numbers == ("3312",)
    assert not result.references_from_thread


@pytest.mark.parametrize(
    ("text", "many"),
    [
        ("Could you send copies of both?", True),
        ("Can you resend the one from last week?", False),
        ("The invoice below charges 40 pallets, we received 36.", False),
        ("This was paid on Friday by BACS.", False),
        ("Könnten Sie uns die Rechnung unten bitte noch einmal schicken?", False),
        ("Die beiden Rechnungen aus Ihrer Erinnerung sind überwiesen.", True),
        ("Pourriez-vous nous renvoyer ces factures ?", True),
        ("Pouvez-vous me la renvoyer ?", False),
        ("¿Me la podéis reenviar?", False),
        ("Esa factura ya está pagada desde el día 12.", False),
        ("Kunnen jullie deze facturen nog eens sturen?", True),
        ("Die factuur is al betaald op 18 november.", False),
        ("Potreste rimandarcela?", False),
        ("Le fatture indicate sono già state pagate.", True),
        ("Podem reenviar-nos as faturas abaixo?", True),
        ("Podem reenviá-la?", False),
    ],
)
def test_pointing_phrases_in_the_seven_languages(text, many):
    found = pointer(text, RECEIVED)
    assert found is not None
    assert found.many is many


@pytest.mark.parametrize(
    "text",
    [
        "Please send this email to your AR team.",
        "Schicken Sie uns diese Woche die Gutschrift.",
        "Could you send me a copy of this month's statement?",
        "We need the invoice for the Leeds server install.",
        "Bitte senden Sie uns einen Kontoauszug.",
    ],
)
def test_words_that_do_not_point_at_a_document_are_not_pointers(text):
    assert pointer(text, RECEIVED) is None


def test_last_week_narrows_by_the_quoted_invoice_dates():
    quoted = (
        "On Tue, 24 Nov 2026 at 08:02, AR <ar@tools.example> wrote:\n"
        "> Invoice no.   Invoice date   Amount\n"
        "> 2026-1180     2026-11-04     USD 1,920.00\n"
        "> 2026-1205     2026-11-18     USD 2,310.00\n"
    )
    body = read_body(f"Can you resend the one from last week?\n\n{quoted}")
    taken = from_thread(body.new, body.quoted, "", RECEIVED)
    assert taken is not None and taken.invoices == ("2026-1205",)


def test_last_week_narrows_by_when_a_quoted_message_was_sent():
    body = read_body(
        "Could you resend the one you sent last week? The link has expired.\n\n"
        "On Tue, 24 Nov 2026 at 10:22, Maria <m@tools.example> wrote:\n"
        "> Attached are copies of invoices 104921 and 104955.\n>\n"
        ">> On Tue, 17 Nov 2026 at 09:05, Maria <m@tools.example> wrote:\n"
        ">> Here is invoice 104810 for October.\n"
    )
    taken = from_thread(body.new, body.quoted, "", RECEIVED)
    assert taken is not None and taken.invoices == ("104810",)


def test_a_reply_subject_is_the_thread_when_nothing_is_quoted():
    result = understand(
        "RE: Invoice INV-77120 overdue",
        "Hi,\n\nThis was paid on Friday by BACS. Can you check your side?\n\nTom",
        RECEIVED,
    )
    assert result.invoice_numbers == ("INV-77120",)
    assert result.references_from_thread


def test_more_documents_than_can_be_meant_are_handed_off():
    listed = ", ".join(str(5000 + n) for n in range(MAX_POINTED + 2))
    body = read_body(
        "Please send copies of those.\n\n"
        f"On Mon, 23 Nov 2026 at 08:00, AR <ar@x.example> wrote:\n> Invoices {listed} are due.\n"
    )
    taken = from_thread(body.new, body.quoted, "", RECEIVED)
    assert taken is not None and taken.ambiguous and not taken.invoices


def test_read_body_keeps_the_quote_beside_the_new_text():
    body = read_body(f"Please send copies of those.\n\n{REMINDER_EN}")
    assert body.new == "Please send copies of those."
    assert "3301" in body.quoted and "3301" not in body.new


def test_the_dev_split_thread_messages_are_read_as_labelled():
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    threads = [row for row in rows if int(row["id"].rsplit("-", 1)[1]) >= 60]
    assert len(threads) >= 20
    for row in threads:
        result = understand(
            row["subject"], row["body"], date.fromisoformat(row["received"]), row["channel"]
        )
        assert set(result.invoice_numbers) == set(row["invoice_numbers"]), row["id"]
        if "ambiguous" in row["notes"]:
            assert result.thread_ambiguous and result.needs_human, row["id"]
