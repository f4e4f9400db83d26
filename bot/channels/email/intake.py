"""Storing a message as it arrives by IMAP or SMTP, so that no one message can stall intake.

IMAP intake advances past a message only once it is stored, and SMTP intake accepts one only then:
a message that could never be stored would be fetched (or sent again) and refused forever, and
every message behind it with it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.channels.email.parse import dedupe_key, parse_email, unparsed
from bot.store import store
from core.db import Database
from core.models import utcnow

log = logging.getLogger(__name__)


def store_email(db: Database, raw: bytes, received_at: datetime | None = None) -> tuple[int, bool]:
    """Store the message parsed (``parse_email`` never raises); when the database refuses what
    was read from it, store it unread instead — its bytes, as ``parse_email`` keeps a message it
    cannot read — so the worker decides it from them or hands it to AR. Raises only when that
    fails too (the database is down): nothing was stored, and the caller tries again later."""
    received_at = received_at or utcnow()
    inbound = parse_email(raw, received_at)
    try:
        return store(db, inbound)
    except Exception as error:
        log.error("could not store a message as read (%s): storing it unread", type(error).__name__)
        problem = f"not stored as read: {type(error).__name__}"
    # Keyed as the message read is (its Message-ID), so that fetching it again (a mailbox
    # rescanned) finds it stored instead of storing it twice; by its bytes' hash when that key
    # is what the database refused.
    by_bytes = dedupe_key(None, raw)
    if inbound.dedupe_key != by_bytes:
        try:
            return store(db, unparsed(raw, received_at, problem, inbound.dedupe_key))
        except Exception as error:
            log.error("could not store a message under its id (%s)", type(error).__name__)
    return store(db, unparsed(raw, received_at, problem, by_bytes))
