"""Only one clock fires at a time; a standby takes over when the active one stops."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ardesk.clock import deflection_job, leadership, link_cleanup_job
from core import links
from core.models import (
    AccessLink,
    DeflectionState,
    DeflectionTally,
    InboundMessage,
    InboundStatus,
    LinkScope,
    utcnow,
)
from tests.support import builders as b


@pytest.mark.parametrize("db", ["sqlite", "postgresql", "pgbouncer"], indirect=True)
def test_it_lets_one_clock_lead_and_the_other_stand_by(db):
    stop_first, stop_second = threading.Event(), threading.Event()
    events: list[str] = []
    first_leads = threading.Event()

    def first() -> None:
        with leadership(db, db.settings, stop_first) as leading:
            events.append(f"first:{leading is not None}")
            first_leads.set()
            stop_first.wait()

    def second() -> None:
        with leadership(db, db.settings, stop_second) as leading:
            events.append(f"second:{leading is not None}")

    one = threading.Thread(target=first)
    one.start()
    assert first_leads.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(timeout=1)
    assert two.is_alive() and events == ["first:True"]  # standing by
    stop_second.set()  # a standby told to stop never leads
    two.join(timeout=20)
    assert events == ["first:True", "second:False"]
    stop_first.set()
    one.join(timeout=10)
    with leadership(db, db.settings, threading.Event()) as leading:  # the lock is free again
        assert leading is not None and leading()


def test_it_purges_links_long_expired_and_keeps_the_rest(db):
    with db.admin_session() as s:
        acc = b.account(s, "A", "A")
        person = b.contact(s, acc, "a@a.example")
        signer = links.LinkSigner("k" * 40)
        old = links.issue(
            s,
            signer,
            "http://x",
            person,
            LinkScope.portal,
            ttl=timedelta(days=1),
            now=utcnow() - timedelta(days=200),
        )
        fresh = links.issue(s, signer, "http://x", person, LinkScope.portal, ttl=timedelta(days=1))
        b.invoice(s, acc, "I", "1.00", issued=date(2026, 1, 1))
    assert link_cleanup_job(db, db.settings).run() == 1
    with db.admin_session() as s:
        assert s.scalars(select(AccessLink.id)).all() == [fresh.id]
        assert (
            s.scalar(select(func.count()).select_from(AccessLink).where(AccessLink.id == old.id))
            == 0
        )


def test_the_deflection_job_keeps_the_rollup_within_its_age(db):
    job = deflection_job(db, db.settings)
    assert job.interval_seconds == db.settings.ar_rollup_max_age.total_seconds() / 2
    with db.admin_session() as s:
        s.add(InboundMessage(channel="email", dedupe_key="<m@x>", sender="a@b.example",
                             raw=b"", status=InboundStatus.ignored,
                             received_at=utcnow() - timedelta(days=5)))  # fmt: skip
    assert job.run() >= 6  # the day of that request to today
    with db.admin_session() as s:
        tally = s.get(DeflectionTally, ("total", "all", (utcnow() - timedelta(days=5)).date()))
        assert (tally.received, tally.ignored) == (1, 1)
        assert s.get(DeflectionState, 1).refreshed_at > utcnow() - timedelta(minutes=1)
    assert job.run() == 0  # nothing changed since
