"""The email bot's decisions, scenario by scenario, from raw mail to the outbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.models import AccessLink, Handoff, InboundMessage, OutboundMessage
from tests.bot.conftest import eml
from tests.bot.support import handle, outbox, text_of, with_headers


def test_it_sends_karen_her_invoice_at_the_address_on_file(world):
    decision = handle(world, eml("outlook_invoice_copy_en.eml"))
    assert decision["sender"] == {
        "email": "karen.whitlock@brookfield.example",
        "status": "verified",
        "verification": "authenticated by mx.supplier.example",
        "contact": "Karen Whitlock",
        "account": "C1001",
        "role": "ap_contact",
        "accounts": ["C1001"],
    }
    assert decision["action"] == "reply" and decision["handoff"] is False
    assert decision["understanding"]["invoice_numbers"] == ["INV-10423"]  # not the quoted one
    assert [(link["scope"], link["invoice"]) for link in decision["links"]] == [
        ("invoice", "INV-10423")
    ]
    [(row, message)] = outbox(world)
    assert row.recipient == "karen.whitlock@brookfield.example"  # never the Reply-To
    assert message["To"].addresses[0].addr_spec == "karen.whitlock@brookfield.example"
    assert message["Subject"] == "Re: Copy of invoice INV-10423"
    assert (
        message["In-Reply-To"].strip()
        == "<AM0PR07MB6113A1B2C3D4E5F6@AM0PR07MB6113.eurprd07.prod.outlook.example>"
    )
    assert message["References"].split() == [
        "<previous-thread-0@supplier.example>",
        "<previous-thread-1@supplier.example>",
        "<AM0PR07MB6113A1B2C3D4E5F6@AM0PR07MB6113.eurprd07.prod.outlook.example>",
    ]
    assert message["Auto-Submitted"] == "auto-replied"
    text = text_of(message)
    assert decision["links"][0]["url"] in text
    assert "INV-10423" in text and "INV-10424" not in text


def test_it_answers_a_german_statement_request_for_q3_in_german(world):
    decision = handle(world, eml("gmail_statement_de.eml"))
    assert decision["sender"]["account"] == "C2002"
    [link] = decision["links"]
    assert link["scope"] == "statement"
    assert link["targets"]["from"].endswith("-07-01") and link["targets"]["to"].endswith("-09-30")
    [(_, message)] = outbox(world)
    assert message["Subject"].startswith(("Re:", "AW:"))
    assert "Kontoauszug" in text_of(message)


def test_it_tells_claire_her_balance_in_french(world):
    decision = handle(world, eml("apple_balance_fr.eml"))
    [balance] = [a for a in decision["answers"] if a["type"] == "BalanceAnswer"]
    [eur] = balance["balances"]
    # Open: 1,190.00 + 300.00 (500 less 200 paid) + 250.00 − 50.00 credit = 1,690.00
    assert (eur["currency"], eur["open_balance"]) == ("EUR", "1690.0000")
    [(_, message)] = outbox(world)
    text = text_of(message).replace("\u202f", " ").replace("\xa0", " ")
    assert "1 690,00 €" in text
    assert "Bonjour" in text or "Madame" in text


def test_it_reports_what_was_paid_on_an_invoice_from_an_html_only_mail(world):
    decision = handle(world, eml("html_only_payment_es.eml"))
    [answer] = decision["answers"]
    assert answer["type"] == "PaymentStatusAnswer"
    [paid] = answer["invoices"]
    assert paid["invoice"]["number"] == "INV-10424"
    assert [(p["amount"], p["reference"]) for p in paid["payments"]] == [("200.0000", "REM-2211")]
    assert paid["invoice"]["balance"] == "300.0000"
    [(_, message)] = outbox(world)
    assert "REM-2211" in text_of(message)


def test_it_keeps_the_forwarded_request_when_asked_to_see_below(world):
    decision = handle(world, eml("forwarded_nl.eml"))
    assert [link["invoice"] for link in decision["links"]] == ["INV-10423"]
    assert outbox(world)[0][0].recipient == "pieter.devries@brookfield.example"


def test_it_reads_latin1_mail_and_finds_the_number_on_the_senders_own_account(world):
    decision = handle(world, eml("latin1_it.eml"))
    assert decision["understanding"]["language"] == "it"
    [answer] = [a for a in decision["answers"] if a["type"] == "InvoiceCopies"]
    [[found, _link]] = answer["found"]
    # Mühlbauer has a 10425 too (980.00); Giulia is Brookfield's, so she gets Brookfield's.
    assert (found["number"], found["total"]) == ("10425", "250.0000")


def test_it_acknowledges_a_dispute_and_hands_it_to_ar(world):
    decision = handle(world, eml("dispute_pt.eml"))
    assert decision["action"] == "reply" and decision["handoff"] is True
    (_, reply), (handoff_row, handoff) = outbox(world)
    assert handoff_row.recipient == "ar-team@supplier.example"
    assert handoff["Reply-To"].addresses[0].addr_spec == "joao.silva@muehlbauer.example"
    assert reply["To"].addresses[0].addr_spec == "joao.silva@muehlbauer.example"
    assert "10425" in text_of(reply)


def test_it_never_answers_automatic_mail(world):
    for name, rule in [
        ("auto_reply_ooo_en.eml", "auto_submitted"),
        ("ooo_without_headers_de.eml", "auto_reply"),
        ("bounce_dsn.eml", "auto_submitted"),
        ("newsletter_list.eml", "precedence"),
    ]:
        decision = handle(world, eml(name))
        assert decision["action"] == "ignore", name
        assert decision["guards"][-1]["rule"] == rule, name
        assert decision["guards"][-1]["verdict"] == "hold"
    assert outbox(world) == []


def test_it_recognises_bounces_without_auto_submitted(world):
    bounce = eml("bounce_dsn.eml").replace(b"Auto-Submitted: auto-replied\n", b"")
    decision = handle(world, bounce)
    assert (decision["action"], decision["guards"][-1]["rule"]) == ("ignore", "bounce")


def test_it_ignores_its_own_replies_coming_back(world):
    handle(world, eml("outlook_invoice_copy_en.eml"))
    [(row, _)] = outbox(world)
    with world.admin_session() as s:
        payload = s.get(OutboundMessage, row.id, options=[]).payload
    decision = handle(world, payload)
    assert decision["action"] == "ignore"
    assert decision["guards"][0]["rule"] == "own_mail"


def test_it_survives_malformed_mime(world):
    decision = handle(world, eml("malformed.eml"))
    # An unknown sender at a customer's domain: instructions, no data, and AR has the original.
    assert decision["sender"]["status"] == "unknown"
    assert decision["links"] == [] and decision["handoff"] is True
    with world.admin_session() as s:
        assert s.scalar(select(InboundMessage.status)) == "answered"
    handoff = outbox(world)[-1][1]
    attached = [p for p in handoff.iter_attachments() if p.get_content_type() == "message/rfc822"]
    assert attached, "the original goes to AR"


def test_it_gives_a_stranger_at_a_customer_domain_only_instructions(world):
    raw = with_headers(
        eml("outlook_invoice_copy_en.eml"),
        From="New Person <new@brookfield.example>",
        Authentication_Results="mx.supplier.example; dmarc=pass",
    )
    decision = handle(world, raw)
    assert decision["sender"]["status"] == "unknown"
    assert decision["action"] == "reply" and decision["handoff"] is True
    assert decision["links"] == []
    (reply_row, reply), (handoff_row, _) = outbox(world)
    assert reply_row.recipient == "new@brookfield.example"
    assert "INV-10423" not in text_of(reply) and "1,190" not in text_of(reply)
    assert handoff_row.recipient == "ar-team@supplier.example"


def test_it_only_hands_off_a_stranger_from_elsewhere(world):
    raw = with_headers(eml("outlook_invoice_copy_en.eml"), From="someone@elsewhere.example")
    decision = handle(world, raw)
    assert (decision["action"], decision["handoff"]) == ("handoff", True)
    assert [row.recipient for row, _ in outbox(world)] == ["ar-team@supplier.example"]


def test_it_says_the_same_for_another_accounts_number_as_for_no_number(world):
    base = eml("outlook_invoice_copy_en.eml")
    first = handle(world, base.replace(b"INV-10423", b"INV-99999"))
    second = handle(
        world,
        with_headers(
            base.replace(b"INV-10423", b"INV-55555"), Message_ID="<other@brookfield.example>"
        ),
    )
    assert first["links"] == [] and second["links"] == []
    texts = [text_of(m) for _, m in outbox(world)]
    assert texts[0].replace("99999", "N") == texts[1].replace("55555", "N")
    assert "Outsider" not in texts[0]


def test_it_withholds_data_when_a_trusted_server_reports_dmarc_fail(world):
    raw = with_headers(
        eml("outlook_invoice_copy_en.eml"),
        Authentication_Results="mx.supplier.example; spf=fail smtp.mailfrom=brookfield.example; "
        "dkim=none; dmarc=fail header.from=brookfield.example",
    )
    decision = handle(world, raw)
    assert decision["sender"]["status"] == "unverified"
    assert decision["links"] == [] and decision["handoff"] is True
    assert [a["type"] for a in decision["answers"]] == ["HandedOff"]
    (reply_row, reply), (handoff_row, _) = outbox(world)
    assert reply_row.recipient == "karen.whitlock@brookfield.example"  # the address on file
    assert "/l/" not in text_of(reply) and "1,190" not in text_of(reply)
    assert handoff_row.recipient == "ar-team@supplier.example"


def test_it_ignores_verdicts_from_servers_it_does_not_trust(world):
    raw = with_headers(
        eml("outlook_invoice_copy_en.eml"),
        Authentication_Results="mx.attacker.example; dmarc=fail header.from=brookfield.example",
    )
    decision = handle(world, raw)
    assert decision["sender"]["status"] == "verified"
    assert "verified by address" in decision["sender"]["verification"]


def test_it_answers_each_account_of_a_shared_address_separately(world):
    raw = with_headers(eml("latin1_it.eml"), From="Shared AP <ap@shared.example>")
    decision = handle(world, raw)
    assert decision["sender"]["accounts"] == ["C1001", "C2002"]
    replies = [(row, m) for row, m in outbox(world)]
    assert [row.recipient for row, _ in replies] == ["ap@shared.example", "ap@shared.example"]
    totals = [text_of(m) for _, m in replies]
    assert "250,00" in totals[0] and "980,00" not in totals[0]
    assert "980,00" in totals[1] and "250,00" not in totals[1]
    with world.admin_session() as s:
        scoped = s.execute(select(AccessLink.account_id, AccessLink.targets)).all()
    assert len({account for account, _ in scoped}) == 2


def test_it_tells_an_account_manager_what_their_role_cannot_see(world):
    raw = with_headers(eml("html_only_payment_es.eml"), From="andy@brookfield.example")
    decision = handle(world, raw)
    assert [a["type"] for a in decision["answers"]] == ["NotPermitted"]
    assert decision["handoff"] is True


def test_it_stores_a_message_once(world):
    from bot.channels.email.parse import parse_email
    from bot.store import store

    first = store(world, parse_email(eml("apple_balance_fr.eml")))
    again = store(world, parse_email(eml("apple_balance_fr.eml")))
    assert first[1] is True and again == (first[0], False)


def test_it_stores_and_sends_nothing_on_a_dry_run(world):
    from bot.channels.email.parse import parse_email
    from bot.process import decide

    decision = decide(
        world,
        world.settings,
        parse_email(eml("outlook_invoice_copy_en.eml")),
        inbound_id=None,
        dry_run=True,
    )
    assert decision["dry_run"] is True
    assert decision["links"] and all(link["dry_run"] for link in decision["links"])
    with world.admin_session() as s:
        for model in (InboundMessage, OutboundMessage, AccessLink):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_it_stops_replying_to_a_sender_past_the_hourly_limit(world):

    world.settings = world.settings.replace(replies_per_sender_hour=2)
    base = eml("apple_balance_fr.eml")
    actions = [
        handle(world, with_headers(base, Message_Id=f"<n{i}@brookfield.example>"))["action"]
        for i in range(3)
    ]
    assert actions == ["reply", "reply", "ignore"]


def _role(world, name: str, *permissions: str) -> None:
    from core.models import Role, RolePermission

    with world.admin_session() as s:
        s.add(Role(name=name, description="test role"))
        s.flush()
        s.add_all(RolePermission(role=name, permission=p) for p in permissions)


def _give_role(world, email: str, role: str) -> None:
    from core.models import Contact

    with world.admin_session() as s:
        for contact in s.scalars(select(Contact).where(Contact.email == email)):
            contact.role = role


def test_a_dispute_from_a_role_without_raise_disputes_still_reaches_ar_without_links(world):
    _role(world, "reader_none")
    _give_role(world, "joao.silva@muehlbauer.example", "reader_none")
    decision = handle(world, eml("dispute_pt.eml"))
    assert decision["handoff"] is True
    assert "without raise_disputes" in decision["handoff_reason"]
    assert decision["links"] == []  # the role may open no invoice: the reply carries none
    recipients = [row.recipient for row, _ in outbox(world)]
    assert "ar-team@supplier.example" in recipients  # a customer can always complain


def test_payment_facts_need_view_payments_in_a_reply(world):
    _role(world, "no_payments", "view_invoices", "view_statements", "download_documents")
    _give_role(world, "karen.whitlock@brookfield.example", "no_payments")
    raw = with_headers(eml("html_only_payment_es.eml"), From="karen.whitlock@brookfield.example")
    decision = handle(world, raw)
    assert [a["type"] for a in decision["answers"]] == ["NotPermitted"]
    for _, message in outbox(world):
        if message["To"].addresses[0].addr_spec == "karen.whitlock@brookfield.example":
            assert "REM-2211" not in text_of(message)


EVIL_PASS = (
    "mx.supplier.example; spf=pass smtp.mailfrom=evil.example; dmarc=pass header.from=evil.example"
)


@pytest.mark.parametrize(
    "from_header",
    [
        "karen.whitlock@brookfield.example, attacker@evil.example",
        "Karen <karen.whitlock@brookfield.example>, Mallory <attacker@evil.example>",
        "AP team: karen.whitlock@brookfield.example;",
        "<karen.whitlock@brookfield.example>@evil.example",
    ],
)
def test_a_from_that_names_no_single_sender_is_never_verified(world, from_header):
    raw = with_headers(
        eml("outlook_invoice_copy_en.eml"), From=from_header, Authentication_Results=EVIL_PASS
    )
    decision = handle(world, raw)
    assert decision["sender"]["status"] != "verified"
    assert decision["links"] == []
    assert all("/l/" not in text_of(message) for _, message in outbox(world))


def test_a_dmarc_pass_for_another_domain_does_not_verify_the_from(world):
    raw = with_headers(eml("outlook_invoice_copy_en.eml"), Authentication_Results=EVIL_PASS)
    decision = handle(world, raw)
    assert decision["sender"]["status"] == "unverified"
    assert "evil.example" in decision["sender"]["verification"]
    assert decision["links"] == []


def test_a_dmarc_pass_for_the_from_domain_verifies(world):
    decision = handle(world, eml("outlook_invoice_copy_en.eml"))
    assert decision["sender"]["status"] == "verified"
    assert decision["sender"]["verification"] == "authenticated by mx.supplier.example"


TRUSTED_FAIL = "mx.supplier.example; dmarc=fail header.from=brookfield.example"
TRUSTED_PASS = "mx.supplier.example; dmarc=pass header.from=brookfield.example"
# Values the receiving server copies from the sender's SMTP session into its header.
UNPARSEABLE_HELO = (
    "mx.supplier.example; spf=fail smtp.helo=[203.0.113.5]; "
    "dmarc=fail (p=reject) header.from=brookfield.example"
)


def _received_with(*authentication_results: str) -> bytes:
    """Karen's invoice request with these Authentication-Results, top one first, in the bytes
    the receiving server delivered (its own header may hold what the sender made up)."""
    raw = re.sub(
        rb"^Authentication-Results:.*\n(?:[ \t].*\n)*",
        b"",
        eml("outlook_invoice_copy_en.eml"),
        flags=re.MULTILINE,
    )
    added = b"".join(f"Authentication-Results: {v}\n".encode() for v in authentication_results)
    return added + raw


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        pytest.param([UNPARSEABLE_HELO], "cannot be read", id="address-literal-helo"),
        pytest.param(
            [TRUSTED_FAIL.replace("; dmarc", "; spf=fail smtp.mailfrom=é@evil.example; dmarc")],
            "cannot be read",
            id="utf8-mailfrom",
        ),
        pytest.param(
            [TRUSTED_FAIL.replace("; dmarc", "; spf=fail smtp.mailfrom=<>; dmarc")],
            "cannot be read",
            id="null-mailfrom",
        ),
        pytest.param(
            [TRUSTED_FAIL.replace("; dmarc", "; spf=fail smtp.mailfrom=a;b@evil.example; dmarc")],
            "cannot be read",
            id="semicolon-mailfrom",
        ),
        pytest.param(
            [UNPARSEABLE_HELO.replace("example;", "example 1;", 1)],
            "cannot be read",
            id="unreadable-with-version",
        ),
        pytest.param([UNPARSEABLE_HELO, TRUSTED_PASS], "cannot be read", id="forged-pass-below"),
        pytest.param(
            ["mx.supplier.example; dkim=pass header.d=evil.example", TRUSTED_FAIL],
            "DMARC fail",
            id="split-milters-dkim-then-dmarc-fail",
        ),
        pytest.param(
            ["mx.supplier.example; spf=pass smtp.mailfrom=evil.example", TRUSTED_FAIL],
            "DMARC fail",
            id="split-milters-spf-then-dmarc-fail",
        ),
        pytest.param(
            [f"{TRUSTED_FAIL}; dmarc=pass header.from=brookfield.example"],
            "DMARC fail",
            id="one-header-fail-then-pass",
        ),
        pytest.param(
            [f"{TRUSTED_PASS}; dmarc=fail header.from=brookfield.example"],
            "DMARC fail",
            id="one-header-pass-then-fail",
        ),
        pytest.param([TRUSTED_FAIL.replace("fail", "none")], "DMARC none", id="dmarc-none"),
        pytest.param(
            [TRUSTED_FAIL.replace("fail", "temperror")], "DMARC temperror", id="dmarc-temperror"
        ),
        pytest.param(
            [TRUSTED_FAIL.replace("fail", "permerror")], "DMARC permerror", id="dmarc-permerror"
        ),
        pytest.param(
            ["mx.supplier.example; dmarc=pass"], "naming no header.from", id="pass-for-no-domain"
        ),
    ],
)
def test_a_trusted_server_that_does_not_vouch_for_the_from_domain_gets_no_links(
    world, headers, reason
):
    decision = handle(world, _received_with(*headers))
    assert decision["sender"]["status"] == "unverified"
    assert reason in decision["sender"]["verification"]
    assert decision["links"] == [] and decision["handoff"] is True
    assert all("/l/" not in text_of(message) for _, message in outbox(world))


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([TRUSTED_PASS], id="one-header"),
        pytest.param(
            [
                "mx.supplier.example; spf=pass smtp.mailfrom=brookfield.example",
                "mx.supplier.example; dkim=pass header.d=brookfield.example",
                TRUSTED_PASS,
            ],
            id="split-milters",
        ),
        pytest.param(
            [
                "mx.supplier.example; spf=fail smtp.mailfrom=lists.example",
                "mx.supplier.example; dkim=pass header.d=brookfield.example",
                TRUSTED_PASS,
            ],
            id="forwarded-spf-fail-with-aligned-dkim-in-another-header",
        ),
        pytest.param(
            [UNPARSEABLE_HELO.replace("mx.supplier", "mx.attacker"), TRUSTED_PASS],
            id="unreadable-untrusted-header-ignored",
        ),
    ],
)
def test_a_trusted_dmarc_pass_for_the_from_domain_still_verifies(world, headers):
    decision = handle(world, _received_with(*headers))
    assert decision["sender"]["status"] == "verified"
    assert decision["sender"]["verification"] == "authenticated by mx.supplier.example"
    assert decision["links"]


@pytest.mark.parametrize(
    "from_header",
    [
        b"From: karen.whitlock@brookfield.example " + b"(" * 1000,  # the parser recursed on it
        b'From: "Karen <karen.whitlock@brookfield.example',
    ],
    ids=["a-thousand-parentheses", "an-unclosed-quote"],
)
def test_a_message_whose_sender_cannot_be_read_goes_to_ar_not_nowhere(world, from_header):
    """Not a bounce: AR gets it (it may be a customer's request), and no reply is attempted."""
    raw = re.sub(rb"^From: .*$", from_header, eml("outlook_invoice_copy_en.eml"), flags=re.M)
    decision = handle(world, raw)
    assert decision["action"] == "handoff" and decision["handoff"] is True
    assert decision["links"] == []
    # The only mail is AR's notice: nothing goes to an address that could not be read.
    assert [m["To"] for _, m in outbox(world)] == [world.settings.ar_address]
    with world.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Handoff)) == 1


def test_a_message_without_any_from_is_still_ignored_as_a_system_sender(world):
    raw = re.sub(rb"^From: .*\r?\n", b"", eml("outlook_invoice_copy_en.eml"), flags=re.M)
    decision = handle(world, raw)
    assert (decision["action"], decision["guards"][-1]["rule"]) == ("ignore", "bounce")
