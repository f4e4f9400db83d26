"""The bot decides each message with the settings an admin changed in the console: the intents it
answers by itself, the link lifetime and the reply rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import setting_overrides
from core.config import ConfigError, load_settings
from core.models import AccessLink
from tests.bot.conftest import eml
from tests.bot.support import handle, outbox, with_headers

ADA = "ar:ada@supplier.example"


def _override(world, name: str, value: str) -> None:
    with world.admin_session() as s:
        setting_overrides.change(s, world.settings, name, value, by=ADA)


def test_an_intent_taken_off_the_list_goes_to_the_queue_unanswered(world):
    _override(world, "auto_answer_intents", "statement,balance,payment_status,dispute")
    decision = handle(world, eml("outlook_invoice_copy_en.eml"))
    assert decision["action"] == "handoff" and decision["handoff"] is True
    assert decision["handoff_reason"] == "not answered automatically: invoice_copy"
    assert decision["links"] == []
    recipients = [row.recipient for row, _message in outbox(world)]
    assert "karen.whitlock@brookfield.example" not in recipients  # AR answers her
    # Intents still on the list are answered as before.
    assert handle(world, eml("apple_balance_fr.eml"))["action"] == "reply"

    with world.admin_session() as s:
        setting_overrides.reset(s, world.settings, "auto_answer_intents")
    again = with_headers(
        eml("outlook_invoice_copy_en.eml"), Message_Id="<again@brookfield.example>"
    )
    assert handle(world, again)["action"] == "reply"


def test_the_next_link_has_the_lifetime_set_in_the_console(world):
    _override(world, "link_ttl", "3h")
    decision = handle(world, eml("outlook_invoice_copy_en.eml"))
    assert decision["action"] == "reply" and decision["links"]
    with world.admin_session() as s:
        link = s.scalars(select(AccessLink)).one()
        assert link.expires_at - link.created_at == timedelta(hours=3)


def test_the_reply_limit_set_in_the_console_holds(world):
    _override(world, "replies_per_sender_hour", "2")
    base = eml("apple_balance_fr.eml")
    actions = [
        handle(world, with_headers(base, Message_Id=f"<n{i}@brookfield.example>"))["action"]
        for i in range(3)
    ]
    assert actions == ["reply", "reply", "ignore"]


def test_the_environment_names_only_intents_the_bot_answers(tmp_path):
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_ENV": "test"}
    chosen = load_settings({**env, "ARDESK_AUTO_ANSWER_INTENTS": "balance, statement,balance"})
    assert chosen.auto_answer_intents == ("balance", "statement")
    assert load_settings(env).auto_answer_intents == (
        "invoice_copy", "statement", "balance", "payment_status", "dispute",
    )  # fmt: skip
    with pytest.raises(ConfigError, match="ARDESK_AUTO_ANSWER_INTENTS: unknown intent 'gossip'"):
        load_settings({**env, "ARDESK_AUTO_ANSWER_INTENTS": "balance,gossip"})
