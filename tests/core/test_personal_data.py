"""A person's data: exported complete and only theirs; forgotten everywhere, for good."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import LargeBinary, String, Text, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import JSON

from ardesk.cli import main
from bot.channels.email.parse import parse_email
from bot.store import store
from core import links, sessions
from core.demo.generate import DemoSpec
from core.demo.load import load_demo
from core.directory import add_contact, find_account
from core.errors import InvalidInput
from core.forget import forget
from core.links import LinkRefused, LinkSigner
from core.models import (
    AuditEvent,
    Base,
    Contact,
    HandoffNote,
    InboundMessage,
    LinkScope,
    LoginRequest,
    SessionKind,
    WebSession,
    utcnow,
)
from core.personal_data import select_person
from tests.bot.conftest import eml
from tests.bot.support import handle, with_headers
from tests.connectors.conftest import EXAMPLES, sync
from tests.support.cli import cli_env

KAREN = "karen.whitlock@brookfield.example"
CLAIRE = "claire.dubois@brookfield.example"


@pytest.fixture
def karen(world, tmp_path):
    """Karen asked for an invoice copy (a reply with a link), opened a portal session, asked for
    a login link, has a Slack identity and a note from AR; Claire asked for her balance."""
    handle(world, eml("outlook_invoice_copy_en.eml"))
    handle(world, eml("apple_balance_fr.eml"))
    signer = LinkSigner(world.settings.secret_key)
    with world.admin_session() as s:
        contact = s.scalars(select(Contact).where(Contact.email == KAREN)).one()
        contact.slack_team_id, contact.slack_user_id = "T0BROOK", "U0KAREN"
        portal = links.issue(
            s, signer, world.settings.base_url, contact, LinkScope.portal, ttl=timedelta(days=2)
        )
        sessions.start(
            s,
            SessionKind.customer,
            expires_at=utcnow() + timedelta(days=1),
            account_id=contact.account_id,
            contact_id=contact.id,
            link_id=portal.id,
        )
        message_id = s.scalars(
            select(InboundMessage.id).where(InboundMessage.sender == KAREN)
        ).one()
        s.add(HandoffNote(inbound_message_id=message_id, text=f"Called {KAREN}, Karen Whitlock"))
        s.add(LoginRequest(address=KAREN, ip="192.0.2.7"))
        ids = {"contact": contact.id, "account": contact.account_id, "message": message_id}
    env = cli_env(world.settings, tmp_path)

    def run(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return world, ids, portal, run


def test_the_export_holds_the_persons_data_and_nobody_elses(karen):
    db, ids, portal, run = karen
    result = run("contacts", "export-data", "--email", "Karen.Whitlock@brookfield.example")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [contact] = data["contacts"]
    assert (contact["email"], contact["name"], contact["account"]) == (
        KAREN,
        "Karen Whitlock",
        "C1001",
    )
    assert data["chat_identities"] == [
        {
            "contact_id": ids["contact"],
            "channel": "slack",
            "workspace": "T0BROOK",
            "user_id": "U0KAREN",
        }
    ]
    [message] = data["messages"]
    assert message["sender"] == KAREN and "INV-10423" in message["text"]
    assert message["decision"]["understanding"]["invoice_numbers"] == ["INV-10423"]
    [reply] = data["replies"]
    assert reply["recipient"] == KAREN and "INV-10423" in reply["text"]
    assert "/l/…" in reply["text"]  # that a link was sent, not the key to it
    issued = {link["id"] for link in data["links"]}
    assert portal.id in issued and len(issued) == 2  # the reply's link and the portal link
    assert portal.token not in result.output
    [session] = data["sessions"]
    assert session["link_id"] == portal.id and session["ended_at"] is None
    assert {e["action"] for e in data["audit_events"]} >= {"link.issue"}
    assert all(e["contact_id"] == ids["contact"] for e in data["audit_events"])
    assert [n["kind"] for n in data["notes"]] == ["note"]
    assert len(data["login_requests"]) == 1 and data["suppressed"] is False
    # Claire wrote the same day to the same supplier from the same company: none of it is here.
    assert CLAIRE not in result.output and "Claire" not in result.output
    with db.admin_session() as s:  # the export itself is on the record, without the address
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "contact.export")).one()
        assert event.contact_id == ids["contact"] and KAREN not in str(event.detail)


def _every_text(db) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text, JSON and binary value of every table."""
    found = []
    with db.admin_session() as s:
        for table in Base.metadata.sorted_tables:
            columns = [
                c for c in table.columns if isinstance(c.type, String | Text | JSON | LargeBinary)
            ]
            if not columns:
                continue
            for row in s.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", errors="replace")
                    elif not isinstance(value, str):
                        value = json.dumps(value, ensure_ascii=False)
                    found.append((table.name, column.name, value))
    return found


def test_forgetting_leaves_no_trace_of_the_address_and_refuses_the_links(karen):
    db, ids, portal, run = karen
    assert any(KAREN in value.lower() for _t, _c, value in _every_text(db))
    with db.admin_session() as s:
        audit_before = s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()

    result = run("contacts", "forget", "--email", KAREN, "--yes", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["contacts"] == 1 and report["messages"] == 1 and report["replies"] == 1
    assert report["links_revoked"] == 2 and report["sessions_ended"] == 1
    assert report["newly_suppressed"] is True
    left = [
        (table, column)
        for table, column, value in _every_text(db)
        if KAREN in value.lower() or "karen whitlock" in value.lower()
    ]
    assert left == []
    with db.admin_session() as s:
        with pytest.raises(LinkRefused) as refused:
            links.check(s, LinkSigner(db.settings.secret_key), portal.token)
        assert refused.value.reason == "revoked"
        assert s.scalars(select(WebSession.ended_reason)).all() == ["forgotten"]
        contact = s.get(Contact, ids["contact"])
        assert contact.email.endswith("@forgotten.invalid") and not contact.active
        assert contact.slack_user_id is None
        # The trail is whole: every earlier event still there, pointing at the same row.
        after = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.id for e in after][: len(audit_before)] == audit_before
        forgot = [e for e in after if e.action == "contact.forget"]
        assert [e.contact_id for e in forgot] == [ids["contact"]]
        claire = s.scalars(select(Contact).where(Contact.email == CLAIRE)).one()
        assert claire.active  # nobody else was touched
        assert s.scalars(select(InboundMessage.raw).where(InboundMessage.sender == CLAIRE)).one()
    with db.admin_session() as s, pytest.raises(DBAPIError):  # and still append-only
        s.execute(update(AuditEvent).values(actor="x"))


def test_the_forgotten_address_stays_out_and_mail_from_it_is_a_strangers(karen):
    db, _ids, _portal, run = karen
    assert run("contacts", "forget", "--email", KAREN, "--yes").exit_code == 0
    again = run("contacts", "add", "--account", "C1001", "--email", KAREN, "--name", "K", "--role",
                "ap_contact")  # fmt: skip
    assert again.exit_code == 1 and "forgotten on request" in again.output
    raw = with_headers(eml("outlook_invoice_copy_en.eml"), Message_ID="<after@brookfield.example>")
    decision = handle(db, raw)
    assert decision["sender"]["status"] == "unknown" and decision["sender"]["contact"] is None
    assert decision["links"] == []  # a stranger at a customer's domain gets no documents
    back = run("contacts", "add", "--account", "C1001", "--email", KAREN, "--name", "Karen W",
               "--role", "ap_contact", "--allow-forgotten")  # fmt: skip
    assert back.exit_code == 0, back.output


def test_forgetting_within_one_account_keeps_the_other(world):
    shared = "ap@shared.example"
    with world.admin_session() as s:
        brook, mueh = find_account(s, "C1001"), find_account(s, "C2002")
        store(world, parse_email(with_headers(eml("latin1_it.eml"), From=shared)))
        forget(s, select_person(s, shared, "C1001"), actor="test", now=utcnow())
    with world.admin_session() as s:
        left = s.scalars(select(Contact.account_id).where(Contact.email == shared)).all()
        assert left == [mueh.id]
        with pytest.raises(InvalidInput, match="forgotten"):
            add_contact(s, brook, email=shared, name="AP", role="ap_contact")
        # The message came before anyone knew its account: it waits for the worker, untouched.
        assert s.scalars(select(InboundMessage.raw).where(InboundMessage.sender == shared)).one()


def test_the_next_sync_does_not_bring_the_contact_back(db, tmp_path):
    sources = EXAMPLES / "csv" / "sources.toml"
    sync(db, sources, "example")
    gone = "anna.becker@northwind.example"
    env = cli_env(db.settings, tmp_path)
    forgot = CliRunner().invoke(main, ["contacts", "forget", "--email", gone, "--yes"], env=env)
    assert forgot.exit_code == 0, forgot.output

    report = sync(db, sources, "example", full=True)

    assert report.suppressed["contacts"] == 1 and report.inserted["contacts"] == 0
    assert "forgotten on request" in report.summary()
    with db.admin_session() as s:
        assert s.scalars(select(Contact).where(Contact.email == gone)).all() == []
    assert not any(gone in value.lower() for _t, _c, value in _every_text(db))


def test_demo_data_appended_again_leaves_the_forgotten_out(db, tmp_path):
    spec = DemoSpec(accounts=2, invoices_per_account=3, seed=11, as_of=date(2026, 3, 31))
    load_demo(db, spec)
    with db.admin_session() as s:
        person = s.scalars(select(Contact.email).order_by(Contact.id).limit(1)).one()
    env = cli_env(db.settings, tmp_path)
    forgot = CliRunner().invoke(main, ["contacts", "forget", "--email", person, "--yes"], env=env)
    assert forgot.exit_code == 0, forgot.output
    load_demo(db, spec, append=True)  # the same seed makes the same people
    with db.admin_session() as s:
        assert s.scalars(select(Contact).where(Contact.email == person)).all() == []
        assert s.scalar(select(Contact.id).where(Contact.email != person).limit(1))


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_the_portal_role_reads_contacts_but_never_the_suppression_list(karen):
    db, ids, _portal, run = karen
    assert run("contacts", "forget", "--email", KAREN, "--yes").exit_code == 0
    with db.account_scope(ids["account"]) as s:
        emails = s.scalars(select(Contact.email)).all()
        assert emails and KAREN not in emails
    for table in ("suppressed_addresses", "suppression_keys"):
        with db.account_scope(ids["account"]) as s, pytest.raises(DBAPIError, match="permission"):
            s.execute(text(f"SELECT count(*) FROM {table}"))
