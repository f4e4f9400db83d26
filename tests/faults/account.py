"""Counting the harness's outcome from what the SMTP server received and what the outbox says.

A request is answered when a reply referring to it reached the customer, handed off when only
AR heard of it (a hand-off with the original attached, or a notice about a reply that could not
be delivered), and lost otherwise. A duplicate is one Message-ID received twice. A reply in doubt
is one whose worker died between the SMTP server accepting it and the outbox marking it sent: it
is never sent again and AR is told, so it counts apart (and whether it did arrive is shown).
"""

from __future__ import annotations

import email
import statistics
from collections import Counter
from dataclasses import dataclass
from email import policy

from sqlalchemy import select
from sqlalchemy.orm import undefer

from core.db import Database
from core.models import OutboundMessage, OutboundStatus
from tests.support.smtp_server import Captured


@dataclass
class Tally:
    fed: int
    answered: int
    handed_off: int
    lost: int
    duplicates: int
    in_doubt: int
    in_doubt_delivered: int
    p50: float
    p99: float
    max: float


def _referred(message) -> set[str]:
    """The Message-IDs a captured message refers to: its In-Reply-To, and the Message-ID and
    In-Reply-To of any message attached to it."""
    ids = {str(message["In-Reply-To"] or "").strip()}
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) else payload
            if not hasattr(inner, "get"):
                inner = email.message_from_bytes(bytes(inner), policy=policy.default)
            ids.add(str(inner.get("Message-ID") or "").strip())
            ids.add(str(inner.get("In-Reply-To") or "").strip())
    return ids


def tally(db: Database, fed: dict[str, float], captured: list[Captured], ar: str) -> Tally:
    answered_at: dict[str, float] = {}
    to_ar: set[str] = set()
    for item in captured:
        refs = _referred(item.message) & fed.keys()
        if item.rcpt_tos == (ar,):
            to_ar |= refs
        else:
            for ref in refs:
                answered_at.setdefault(ref, item.received_at)
    counts = Counter(str(item.message["Message-ID"]).strip() for item in captured)
    with db.admin_session() as s:
        doubtful = [
            row.payload
            for row in s.scalars(
                select(OutboundMessage)
                .options(undefer(OutboundMessage.payload))
                .where(
                    OutboundMessage.status == OutboundStatus.failed,
                    OutboundMessage.last_error.like("delivery outcome unknown%"),
                )
            )
        ]
    doubtful_ids = {
        str(email.message_from_bytes(p, policy=policy.default)["Message-ID"]).strip()
        for p in doubtful
    }
    latencies = sorted(answered_at[m] - fed[m] for m in answered_at)
    handed_off = len((to_ar & fed.keys()) - answered_at.keys())
    return Tally(
        fed=len(fed),
        answered=len(answered_at),
        handed_off=handed_off,
        lost=len(fed) - len(answered_at) - handed_off,
        duplicates=sum(n - 1 for n in counts.values() if n > 1),
        in_doubt=len(doubtful),
        in_doubt_delivered=sum(1 for m in doubtful_ids if counts[m]),
        p50=statistics.median(latencies) if latencies else float("nan"),
        p99=latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else float("nan"),
        max=latencies[-1] if latencies else float("nan"),
    )
