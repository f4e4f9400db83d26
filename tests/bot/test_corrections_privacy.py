"""A correction's text never reaches another account: AR corrects a request of Brookfield's, the
model is trained on the export, and Mühlbauer's requests — one of the corrected kind — are
answered by that model without a word of Brookfield's message in any of their outbound rows."""

from __future__ import annotations

import email
import json
import re
from email import policy

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import undefer

from ardesk.cli import main
from bot.corrected import Reading, correct
from core import ar_users
from core.models import Account, ARRole, InboundMessage, OutboundMessage
from tests.bot.support import handle
from tests.bot.test_model_reload import request_from
from tests.support.cli import cli_env
from tests.support.learning import train

#: Brookfield's requests AR corrects: each asks for a "recon" and tells private things.
SECRETS = [
    (
        "Recon before the Quenby audit",
        "Can you do a recon for us please? Wilhelmina Quenby, our controller, needs it for the "
        "Zanzibar warehouse audit on Thursday.",
    ),
    (
        "Recon",
        "Could you send us a recon of our account? Our bank asked about the Halvorsen "
        "facility and the Oberholz merger.",
    ),
    ("Recon please", "We need a recon for the Castellane board pack, please."),
]


#: Words of Brookfield's messages that ardesk's own replies and hand-offs use as well.
TEMPLATE_WORDS = {"about", "account"}


def _outbound_text(row: OutboundMessage) -> str:
    """Everything a recipient could read: headers and every text part, decoded."""
    message = email.message_from_bytes(row.payload, policy=policy.default)
    parts = [row.recipient, row.subject, str(message)]
    parts += [
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    ]
    return "\n".join(parts)


def test_a_correction_s_text_never_appears_in_another_account_s_outbound_message(world, tmp_path):
    settings = world.settings
    with world.admin_session() as s:
        agent = ar_users.add(s, "gus@supplier.example", "Gus", ARRole.agent, "x" * 16).id
        mueh = s.scalar(select(Account.id).where(Account.erp_id == "C2002"))
    sender = "karen.whitlock@brookfield.example"
    for n, (subject, body) in enumerate(SECRETS):
        handle(world, request_from(sender, body, n, subject=subject))
    with world.admin_session() as s:
        corrected = list(s.scalars(select(InboundMessage.id).order_by(InboundMessage.id)))
    for message_id in corrected:
        correct(world, settings, message_id, agent, Reading(("statement",)), answer=False)

    exported = CliRunner().invoke(main, ["corrections", "export"], env=cli_env(settings))
    assert exported.exit_code == 0, exported.output
    assert "Quenby" in exported.output  # the correction is a labelled example with its text
    lines = [json.loads(line) for line in exported.output.splitlines()]
    assert sorted(line["request"] for line in lines) == corrected
    assert all(line["understood"] and line["intents"] == ["statement"] for line in lines)
    (tmp_path / "corrections.jsonl").write_text(exported.output, encoding="utf-8")
    train(tmp_path / "corrections.jsonl", tmp_path / "model")
    world.settings = settings.replace(model_dir=tmp_path / "model")

    asked = [
        ("Recon", "Can you do a recon for us please?"),
        ("Rechnung 10426", "Bitte senden Sie uns eine Kopie der Rechnung 10426."),
        ("Saldo", "What is our current balance?"),
    ]
    decisions = [
        handle(world, request_from("s.krueger@muehlbauer.example", body, 10 + n, subject=subject))
        for n, (subject, body) in enumerate(asked)
    ]
    assert decisions[0]["action"] == "reply"  # the corrected kind, answered by the new model
    assert decisions[0]["understanding"]["intents"] == ["statement"]

    with world.admin_session() as s:
        rows = s.scalars(
            select(OutboundMessage)
            .options(undefer(OutboundMessage.payload))
            .where(OutboundMessage.inbound_message_id.not_in(corrected))
        ).all()
    assert rows and all(row.account_id in (mueh, None) for row in rows)
    # Brookfield's words and four-word runs of its text, leaving out what Mühlbauer wrote too.
    theirs = " ".join(" ".join(pair) for pair in asked)
    private = _words(" ".join(" ".join(pair) for pair in SECRETS)) - _words(theirs)
    runs = _runs([" ".join(pair) for pair in SECRETS]) - _runs([theirs])
    assert {"quenby", "wilhelmina", "zanzibar", "halvorsen", "castellane"} <= private
    assert "the zanzibar warehouse audit" in runs
    for row in rows:
        text = " ".join(_outbound_text(row).lower().split())
        found = _words(text)
        assert not private & found, (row.subject, private & found)
        assert not [run for run in runs if run in text], row.subject


def _words(text: str) -> set[str]:
    """Names and other words nobody's template would write (ardesk's own words left out)."""
    return {w.lower() for w in re.findall(r"[A-Za-z]{5,}", text)} - TEMPLATE_WORDS


def _runs(texts: list[str]) -> set[str]:
    runs = set()
    for text in texts:
        words = re.findall(r"[a-z0-9']+", text.lower())
        runs |= {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}
    return runs
