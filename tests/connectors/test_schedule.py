"""Scheduled syncs: the clock gets one job per source with an interval."""

from __future__ import annotations

from sqlalchemy import func, select

from connectors.schedule import jobs
from core.models import Invoice
from tests.connectors.conftest import EXAMPLES


def test_each_source_with_an_interval_becomes_a_job(db):
    scheduled = jobs(EXAMPLES / "csv" / "sources.toml", db)

    assert [(name, seconds) for name, seconds, _ in scheduled] == [("sync:example", 3600)]
    scheduled[0][2]()
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 5
