"""Importing contacts from a CSV file in the console, as an admin does it with what Excel and
ERPs produce — and with files made to hurt: every row is checked first, a wrong row changes
nothing, each problem is reported by row and column, and each contact added or changed is
audited."""

from __future__ import annotations

import csv
import io
import os

import pytest
from sqlalchemy import func, select

from core.models import AuditEvent, ChatMapping, ChatPlace, Contact
from core.suppression import Suppression
from tests.web.conftest import csrf_token

HEADER = "account,email,name,role,language,slack_team_id,slack_user_id"


def _upload(client, data: bytes, action: str = "import", filename: str = "contacts.csv"):
    token = csrf_token(client.get("/ar/contacts/import").text)
    form = {"csrf_token": token, "action": action, "file": (io.BytesIO(data), filename)}
    return client.post("/ar/contacts/import", data=form, content_type="multipart/form-data")


def _contacts(db) -> dict[tuple[str, str], Contact]:
    with db.admin_session() as s:
        return {(c.account.erp_id, c.email): c for c in s.scalars(select(Contact))}


def _events(db, prefix: str = "contact.") -> list[AuditEvent]:
    with db.admin_session() as s:
        query = select(AuditEvent).where(AuditEvent.action.startswith(prefix))
        return list(s.scalars(query.order_by(AuditEvent.id)))


def test_an_excel_file_with_semicolons_and_a_bom_adds_and_updates_contacts(db, admin, world):
    text = (
        "Account;Email;Name;Role;Language;slack_team_id;slack_user_id\r\n"
        "A1;Jürgen.Groß@alice.example;Jürgen Groß;finance_approver;DE;t0alice01;u0jurgen\r\n"
        "B1;zoe@bob.example;Zoë Ørsted;ap_contact;;;\r\n"
        "A1;am@alice.example;Maria Manager;ap_contact;;;\r\n"  # already Alice's: updated
        ";;;;;;\r\n"  # Excel's empty row
    )
    imported = _upload(admin, "\ufeff".encode() + text.encode())
    assert imported.status_code == 303
    page = admin.get(imported.headers["Location"]).text
    assert "Imported 3 row(s): 2 added, 1 updated, 0 unchanged." in page

    contacts = _contacts(db)
    jurgen = contacts[("A1", "jürgen.groß@alice.example")]
    assert (jurgen.name, jurgen.role, jurgen.language) == ("Jürgen Groß", "finance_approver", "de")
    assert (jurgen.slack_team_id, jurgen.slack_user_id) == ("T0ALICE01", "U0JURGEN")
    assert contacts[("B1", "zoe@bob.example")].name == "Zoë Ørsted"
    manager = contacts[("A1", "am@alice.example")]
    assert (manager.name, manager.role) == ("Maria Manager", "ap_contact")

    events = _events(db)
    assert [e.action for e in events] == ["contact.add", "contact.add", "contact.edit",
                                          "contact.import"]  # fmt: skip
    assert {e.actor for e in events} == {"ar:ada@supplier.example"}
    assert events[0].contact_id == jurgen.id and events[0].detail["via"] == "import"
    assert events[2].contact_id == world.manager
    assert events[2].detail["fields"] == ["name", "role"]
    assert events[3].detail == {"rows": 3, "added": 2, "updated": 1, "unchanged": 0}

    # The same file again changes nothing, and says so.
    again = _upload(admin, "\ufeff".encode() + text.encode())
    assert "0 added, 0 updated, 3 unchanged" in admin.get(again.headers["Location"]).text
    assert [e.action for e in _events(db)][-1] == "contact.import"
    assert len(_events(db, "contact.add")) == 2


def test_an_empty_cell_keeps_what_is_on_file(db, admin, world):
    with db.admin_session() as s:
        manager = s.get(Contact, world.manager)
        manager.language, manager.slack_team_id, manager.slack_user_id = "fr", "T0A", "U0MARIA"
    _upload(admin, f"{HEADER}\nA1,am@alice.example,Maria,account_manager,,,\n".encode())
    manager = _contacts(db)[("A1", "am@alice.example")]
    assert (manager.name, manager.language, manager.slack_user_id) == ("Maria", "fr", "U0MARIA")


def test_a_file_with_wrong_rows_changes_nothing_and_names_each_problem(db, admin, world):
    with db.admin_session() as s:
        Suppression.load(s).add(s, "gone@alice.example", world.alice)
        s.add(ChatMapping(place=ChatPlace.slack_team, external_id="T0BOB", account_id=world.bob))
        s.get(Contact, world.approver).slack_team_id = "T0ALICE"
        s.get(Contact, world.approver).slack_user_id = "U0FRIDA"
    rows = [
        "A1,new@alice.example,Fine Row,ap_contact,en,,",  # row 2: right, but not written
        "ZZ9,x@alice.example,X,ap_contact,,,",  # 3: unknown account
        "A1,not-an-address,X,ap_contact,,,",  # 4
        "A1,boss@alice.example,X,boss,,,",  # 5: unknown role
        "A1,klingon@alice.example,X,ap_contact,tlh,,",  # 6: unknown language
        "A1,NEW@alice.example,Again,ap_contact,,,",  # 7: the same address as row 2
        "A1,half@alice.example,X,ap_contact,,T0ALICE,",  # 8: a team without a user
        "A1,bad@alice.example,X,ap_contact,,T0ALICE,bob",  # 9: not a Slack user id
        "A1,gone@alice.example,X,ap_contact,,,",  # 10: forgotten on request
        "A1,thief@alice.example,X,ap_contact,,T0ALICE,U0FRIDA",  # 11: another address's
        "A1,,,,,,",  # 12: no address, no name, no role
        "A1,one@alice.example,X,ap_contact,,T0NEW,U0SAME",  # 13: right on its own
        "A1,two@alice.example,X,ap_contact,,T0NEW,U0SAME",  # 14: row 13's identity
        "A1,three@alice.example,X,ap_contact,,T0BOB,U0THREE",  # 15: Bob's workspace
    ]
    data = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
    refused = _upload(admin, data)
    assert refused.status_code == 422
    assert "nothing was imported" in refused.text
    for problem in ("no account with this ERP id", "not an email address", "unknown role",
                    "unsupported language", "the same address for the same account as row 2",
                    "needs both its workspace and its user", "not a Slack user id",
                    "forgotten on request", "belongs to a contact with another address",
                    "a contact needs a name", "the same chat identity as row 13",
                    "this workspace is bound to another account (B1)"):  # fmt: skip
        assert problem in refused.text
    assert "new@alice.example" not in {email for _, email in _contacts(db)}
    assert _events(db) == []

    report = _upload(admin, data, action="report")
    assert report.mimetype == "text/csv"
    assert "attachment" in report.headers["Content-Disposition"]
    found = [(r[0], r[1]) for r in csv.reader(io.StringIO(report.text))][1:]
    assert found == [
        ("3", "account"), ("4", "email"), ("5", "role"), ("6", "language"), ("7", "email"),
        ("8", "slack_user_id"), ("9", "slack_user_id"), ("10", "email"), ("11", "slack_user_id"),
        ("12", "email"), ("12", "name"), ("12", "role"), ("14", "slack_user_id"),
        ("15", "slack_team_id"),
    ]  # fmt: skip


def test_formula_cells_are_kept_as_text_and_escaped_in_the_error_report(db, admin, world):
    formula = '=HYPERLINK("http://evil.example/","Details")'
    data = (
        f"{HEADER}\n"
        f'A1,f@alice.example,"{formula.replace(chr(34), chr(34) * 2)}",ap_contact,,,\n'
        "A1,g@alice.example,+Plus,@role,,,\n"
    ).encode()
    report = _upload(admin, data, action="report")
    [_header, row] = list(csv.reader(io.StringIO(report.text)))
    assert row[:2] == ["3", "role"] and row[3] == "'@role"  # shown as text by a spreadsheet

    fixed = data.replace(b"@role", b"ap_contact")
    assert _upload(admin, fixed).status_code == 303
    contacts = _contacts(db)
    assert contacts[("A1", "f@alice.example")].name == formula  # stored as the text it is
    assert contacts[("A1", "g@alice.example")].name == "+Plus"
    page = admin.get(f"/ar/accounts/{world.alice}").text
    assert "=HYPERLINK(&#34;http://evil.example/&#34;,&#34;Details&#34;)" in page


def test_check_reads_every_row_and_writes_nothing(db, admin, world):
    data = f"{HEADER}\nA1,new@alice.example,New,ap_contact,,,\nA1,am@alice.example,M,ap_contact,,,"
    checked = _upload(admin, data.encode(), action="check")
    assert checked.status_code == 200
    assert "ready to import" in checked.text and "1 to add, 1 to update" in checked.text
    assert ("A1", "new@alice.example") not in _contacts(db)
    assert _events(db) == []


def _rows(count: int) -> bytes:
    lines = [f"A1,person{n}@alice.example,Person {n},ap_contact,,," for n in range(count)]
    return (HEADER + "\n" + "\n".join(lines) + "\n").encode()


HOSTILE = {
    "ten megabytes": (
        HEADER.encode() + b"\n" + b"A1,x@alice.example," + b"x" * (10 * 1024 * 1024) + b",a,,,\n",
        "The file is too big",
    ),
    "binary junk": (os.urandom(4096) + b"\x00" + os.urandom(4096), "not a CSV file"),
    "Windows-1252 from Excel": (
        f"{HEADER}\nA1,j@alice.example,Jürgen Groß,ap_contact,,,\n".encode("cp1252"),
        "not UTF-8 text",
    ),
    "Unicode text from Excel (UTF-16)": (
        f"{HEADER}\nA1,j@alice.example,Jürgen,ap_contact,,,\n".encode("utf-16"),
        "not UTF-8 text",
    ),
    "pipes": (HEADER.replace(",", "|").encode() + b"\n", "The first row must name the columns"),
    "no role column": (b"account,email,name\nA1,x@alice.example,X\n", "has no column role"),
    "a typo in a column": (b"account,email,name,role,langauge\n", "Unknown or repeated columns"),
    "50,000 rows": (_rows(50_000), "more than 10,000 rows"),
    "a quote never closed": (
        f'{HEADER}\nA1,x@alice.example,"Never closed,ap_contact,,,\n'.encode(),
        "not well-formed CSV",
    ),
    "nothing": (b"\xef\xbb\xbf\r\n\r\n", "The file is empty"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_file_is_refused_with_a_clear_message(db, admin, world, case):
    data, message = HOSTILE[case]
    before = _contacts(db)
    refused = _upload(admin, data)
    assert refused.status_code == 400
    assert message in refused.text
    assert _contacts(db).keys() == before.keys()
    assert _events(db) == []


def test_a_file_past_the_apps_upload_limit_is_refused_as_a_csv(db, admin, world):
    refused = _upload(admin, b"account,email,name,role\n" + b"x" * (11 * 1024 * 1024))
    assert refused.status_code == 413
    assert "The file is too big (5,242,880 bytes at most): split it." in refused.text
    assert _events(db) == []


def test_ten_thousand_rows_are_imported_in_one_go(db, admin, world):
    assert _upload(admin, _rows(10_000)).status_code == 303
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 10_004
    assert len(_events(db, "contact.add")) == 10_000


def test_agents_may_not_import(db, agent, world):
    assert agent.get("/ar/contacts/import").status_code == 403
    assert "Import contacts" not in agent.get("/ar/accounts").text
    form = {"action": "import", "file": (io.BytesIO(_rows(1)), "c.csv")}
    token = csrf_token(agent.get("/ar/accounts").text)
    posted = agent.post("/ar/contacts/import", data={"csrf_token": token, **form},
                        content_type="multipart/form-data")  # fmt: skip
    assert posted.status_code == 403
    assert ("A1", "person0@alice.example") not in _contacts(db)


def test_an_import_without_the_csrf_token_is_refused(db, admin, world):
    form = {"action": "import", "file": (io.BytesIO(_rows(1)), "c.csv")}
    assert admin.post("/ar/contacts/import", data=form).status_code == 400
    assert ("A1", "person0@alice.example") not in _contacts(db)
