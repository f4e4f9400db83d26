"""Each periodic job runs once per tick, whichever clocks run, and a stopped clock stops cleanly."""

from __future__ import annotations

import itertools
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from ardesk.clock import Job, run_once_per_tick
from core.models import Heartbeat, JobRun, ProcessKind, ProcessState, utcnow
from tests.support.cli import cli_env
from tests.support.processes import ardesk, heartbeat_states, sigterm, wait_for


def _runs(db, job: str | None = None) -> list[JobRun]:
    with db.admin_session() as s:
        query = select(JobRun).order_by(JobRun.id)
        rows = list(s.scalars(query if job is None else query.where(JobRun.job == job)))
        s.expunge_all()
        return rows


def test_it_runs_a_tick_once_whichever_clock_gets_there_first(db):
    calls: list[str] = []
    job = Job("count", 60, lambda: calls.append("ran"))
    now = utcnow().replace(second=10)
    assert run_once_per_tick(db, job, "host-a:1", now)
    assert not run_once_per_tick(db, job, "host-b:2", now + timedelta(seconds=30))  # same tick
    assert run_once_per_tick(db, job, "host-b:2", now + timedelta(seconds=60))  # the next one
    assert calls == ["ran", "ran"]
    first, second = _runs(db)
    assert (first.leader, first.outcome) == ("host-a:1", "ok") and first.finished_at
    assert second.tick == first.tick + 1 and second.leader == "host-b:2"


def test_it_records_a_failed_run_by_its_error_type_only(db):
    def broken() -> None:
        raise ValueError("text that may quote customer data")

    assert run_once_per_tick(db, Job("broken", 60, broken), "host:1")
    [run] = _runs(db)
    assert run.outcome == "error: ValueError" and run.finished_at is not None


@pytest.mark.parametrize(
    ("db", "stop"),
    [("postgresql", signal.SIGTERM), ("pgbouncer", signal.SIGTERM), ("pgbouncer", signal.SIGKILL)],
    indirect=["db"],
)
def test_two_clocks_run_each_tick_once_and_a_standby_takes_over(db, stop, tmp_path):
    """Directly and through PgBouncer in transaction mode; the leader stopped or killed."""
    env = {
        **cli_env(db.settings),
        "ARDESK_LINK_CLEANUP_INTERVAL": "1s",
        "ARDESK_HEARTBEAT_INTERVAL": "1s",
    }

    def leaders() -> set[str]:
        return {run.leader for run in _runs(db)}

    def leads() -> list[bool | None]:
        with db.admin_session() as s:
            return list(s.scalars(select(Heartbeat.leads).order_by(Heartbeat.pid)))

    clocks = [ardesk(env, "clock"), ardesk(env, "clock")]
    try:
        wait_for(lambda: leaders(), what="a clock to lead")
        time.sleep(3)  # a few ticks
        leaders_seen = leaders()
        assert len(leaders_seen) == 1, leaders_seen  # one leads, the other stands by
        leader_pid = int(leaders_seen.pop().rsplit(":", 1)[1])
        [leading] = [c for c in clocks if c.pid == leader_pid]
        [standby] = [c for c in clocks if c is not leading]
        assert sorted(leads(), key=bool) == [False, True]  # the heartbeats say which
        if stop == signal.SIGTERM:
            assert sigterm(leading, within=15) == 0
        else:
            leading.send_signal(stop)
            leading.wait(timeout=15)
        wait_for(lambda: len(leaders()) == 2, what="the standby to take over")
        time.sleep(2)
        assert sigterm(standby, within=15) == 0
    finally:
        for clock in clocks:
            if clock.poll() is None:
                clock.kill()
    runs = _runs(db, "links.cleanup")  # the one-second job (the others tick slower)
    assert len({run.leader for run in runs}) == 2
    ticks = [run.tick for run in runs]
    assert len(ticks) == len(set(ticks))
    if stop == signal.SIGTERM:  # a killed clock may die in the middle of a run
        assert all(run.finished_at is not None for run in runs), "a stopped clock left a run open"
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(gaps) <= 1 + 5, f"the standby took too long to take over: {gaps}"
    if stop == signal.SIGTERM:  # a killed clock's heartbeat goes stale instead
        assert heartbeat_states(db, ProcessKind.clock) == [ProcessState.stopped] * 2
        assert leads() == [False, False]
    else:
        assert ProcessState.stopped in heartbeat_states(db, ProcessKind.clock)
