"""A customer's follow-up in the thread of their open hand-off joins it: no second queue item,
no automatic answer; never across accounts, and not once the hand-off is answered or closed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ardesk.cli import main
from core.handoff_state import resolve
from core.models import Handoff, HandoffMember, InboundMessage, MemberKind, Resolution
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle, outbox, with_headers
from tests.support.cli import cli_env

pytestmark = pytest.mark.usefixtures("world")

ORIGINAL = "<dispute-pt-1@muehlbauer.example>"


def _dispute(db) -> int:
    assert handle(db, eml("dispute_pt.eml"))["handoff"] is True
    with db.admin_session() as s:
        return s.scalar(select(InboundMessage.id).where(InboundMessage.dedupe_key == ORIGINAL))


def _follow_up(db, n: int, sender: str = "joao.silva@muehlbauer.example", **headers) -> dict:
    raw = with_headers(
        eml("dispute_pt.eml"),
        From=sender,
        Message_ID=f"<follow-up-{n}@muehlbauer.example>",
        Subject="Re: Fatura 10425",
        **headers,
    )
    return handle(db, raw)


def _open(db) -> list[int]:
    with db.admin_session() as s:
        return list(
            s.scalars(
                select(Handoff.inbound_message_id)
                .where(Handoff.resolution.is_(None))
                .order_by(Handoff.inbound_message_id)
            )
        )


def _to_customer(db) -> list[str]:
    return [row.recipient for row, _ in outbox(db) if row.recipient != "ar-team@supplier.example"]


def test_a_follow_up_to_the_request_joins_its_hand_off_and_gets_no_automatic_answer(db):
    first = _dispute(db)
    acknowledged = _to_customer(db)
    decision = _follow_up(db, 1, In_Reply_To=ORIGINAL, References=ORIGINAL)
    assert decision["attached_to"] == first
    assert decision["handoff_reason"] == f"follow-up to request {first}"
    assert _open(db) == [first]  # no second queue item
    assert _to_customer(db) == acknowledged  # the bot said nothing more to the customer
    with db.admin_session() as s:
        (member,) = s.scalars(select(HandoffMember)).all()
        assert (member.handoff_id, member.kind) == (first, MemberKind.followup)
        assert s.get(Handoff, first).new_input_at is not None


def test_a_reply_to_ardesks_acknowledgement_joins_the_hand_off_too(db):
    first = _dispute(db)
    (ack,) = [m for row, m in outbox(db) if row.recipient == "joao.silva@muehlbauer.example"]
    # Only the acknowledgement's id: the customer's client kept no longer chain.
    decision = _follow_up(db, 1, In_Reply_To=ack["Message-ID"])
    assert decision["attached_to"] == first
    # And a reply to that follow-up's thread still finds the hand-off.
    again = _follow_up(db, 2, In_Reply_To="<follow-up-1@muehlbauer.example>")
    assert again["attached_to"] == first
    assert _open(db) == [first]


def test_a_colleague_at_the_same_account_may_follow_up_in_the_thread(db):
    first = _dispute(db)
    decision = _follow_up(db, 1, sender="s.krueger@muehlbauer.example", References=ORIGINAL)
    assert decision["sender"]["account"] == "C2002"
    assert decision["attached_to"] == first


def test_a_message_id_from_another_account_attaches_to_nothing(db):
    first = _dispute(db)
    decision = _follow_up(
        db, 1, sender="karen.whitlock@brookfield.example", In_Reply_To=ORIGINAL, References=ORIGINAL
    )
    assert decision["sender"]["status"] == "verified"  # a customer, just not this one's
    assert decision["attached_to"] is None
    with db.admin_session() as s:
        assert s.scalars(select(HandoffMember)).all() == []
        assert s.get(Handoff, first).new_input_at is None


def test_a_follow_up_to_a_closed_hand_off_is_a_new_request(db):
    first = _dispute(db)
    with db.admin_session() as s:
        resolve(s, first, None, Resolution.closed, reason="settled")
    decision = _follow_up(db, 1, In_Reply_To=ORIGINAL, References=ORIGINAL)
    assert decision["attached_to"] is None
    assert decision["handoff"] is True
    assert len(_open(db)) == 1 and _open(db) != [first]


def test_handle_eml_says_which_request_a_follow_up_joined(db, tmp_path):
    first = _dispute(db)
    raw = with_headers(
        eml("dispute_pt.eml"), Message_ID="<cli-follow-up@muehlbauer.example>",
        In_Reply_To=ORIGINAL, Subject="Re: Fatura 10425",
    )  # fmt: skip
    path = tmp_path / "follow-up.eml"
    path.write_bytes(raw)
    env = cli_env(db.settings, tmp_path)
    result = CliRunner().invoke(main, ["handle-eml", str(path)], env=env, catch_exceptions=False)
    assert f"attached to request {first}" in result.output
    assert "queued   1 message(s)" in result.output  # AR's copy; nothing to the customer
