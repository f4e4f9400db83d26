"""`ardesk status` as an operator's check runs it: healthy exits 0, anything wrong exits 1 with one
line naming it; `--json` says the same as typed objects."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from bot.channels.email.oauth2 import OAuth2Error
from core.heartbeats import Beat, IntakeHealth, prune
from core.models import (
    Handoff,
    Heartbeat,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
    ProcessKind,
    ProcessState,
    SyncRun,
    utcnow,
)
from core.models.sync_run import SyncStatus
from tests.support import builders as b
from tests.support.cli import cli_env


@pytest.fixture
def status(db, tmp_path):
    def invoke(*args: str, **settings):
        env = cli_env(db.settings.replace(**settings), tmp_path)
        return CliRunner().invoke(main, ["status", *args], env=env, catch_exceptions=False)

    return invoke


def _problems(result) -> list[str]:
    return [line.removeprefix("PROBLEM ") for line in result.output.splitlines()
            if line.startswith("PROBLEM ")]  # fmt: skip


def _row(db, kind: ProcessKind, ago: timedelta, state=ProcessState.running, **values):
    """A heartbeat row whose last beat was ``ago``; returns that moment."""
    at = utcnow() - ago
    with db.admin_session() as s:
        s.add(Heartbeat(kind=kind, host="mail-1", pid=4242, started_at=at - timedelta(hours=1),
                        beat_at=at, state=state, **{"smtp_errors": 0, **values}))  # fmt: skip
    return at


def test_a_live_worker_is_healthy_and_none_is_not(db, status):
    result = status()
    assert result.exit_code == 1
    assert _problems(result) == ["worker: none running; nothing is answered or delivered"]

    beat = Beat(db, ProcessKind.worker).start()
    try:
        result = status()
        assert result.exit_code == 0, result.output
        assert result.output.rstrip().endswith("healthy")
        report = json.loads(status("--json").output)
        assert report["healthy"] is True and report["status"]["problems"] == []
        [process] = report["status"]["processes"]
        assert process["type"] == "ProcessStatus"
        assert (process["kind"], process["state"], process["liveness"]) == (
            "worker",
            "running",
            "alive",
        )
    finally:
        beat.stop()
    [process] = json.loads(status("--json").output)["status"]["processes"]
    assert (process["state"], process["liveness"]) == ("stopped", "stopped")
    assert status().exit_code == 1  # stopped cleanly, but no worker is running


def test_a_process_that_died_unreplaced_is_named(db, status):
    _row(db, ProcessKind.worker, timedelta(seconds=1))
    killed = _row(db, ProcessKind.smtpd, timedelta(minutes=5))  # it never said it stopped
    _row(db, ProcessKind.slack, timedelta(minutes=5), ProcessState.stopped)  # stopped on purpose
    result = status()
    assert result.exit_code == 1
    assert _problems(result) == [f"smtpd: none running; mail-1:4242 stopped beating {_at(killed)}"]
    liveness = {p["kind"]: p["liveness"] for p in json.loads(status("--json").output)["status"]
                ["processes"]}  # fmt: skip
    assert liveness == {"worker": "alive", "smtpd": "stale", "slack": "stopped"}


def test_clocks_that_all_stand_by_are_a_problem(db, status):
    _row(db, ProcessKind.worker, timedelta(seconds=1))
    _row(db, ProcessKind.clock, timedelta(seconds=1), leads=False)
    assert _problems(status()) == ["clock: none of the running clocks leads; no job runs"]
    _row(db, ProcessKind.clock, timedelta(seconds=2), leads=True)
    assert status().exit_code == 0


def test_an_outbox_whose_due_replies_wait_too_long_is_stuck(db, status):
    _row(db, ProcessKind.worker, timedelta(seconds=1))
    with db.admin_session() as s:
        account = b.account(s, "C1", "Customer One")
        for due in (timedelta(minutes=-30), timedelta(minutes=-40), timedelta(hours=2)):
            s.add(OutboundMessage(account_id=account.id, channel="email", recipient="x@y.example",
                                  payload=b"-", next_attempt_at=utcnow() + due))  # fmt: skip
    result = status()
    assert result.exit_code == 1
    [problem] = _problems(result)
    assert problem.startswith("outbox: 2 replies due, the oldest since ")
    outbox = json.loads(status("--json").output)["status"]["outbox"]
    assert (outbox["pending"]["depth"], outbox["due"]["depth"], outbox["sending"]) == (3, 2, 0)
    assert status(outbox_stuck="1h").exit_code == 0  # due for 40 minutes: within the hour


def test_it_counts_open_handoffs_and_reports_a_failing_sync(db, status):
    _row(db, ProcessKind.worker, timedelta(seconds=1))
    now = utcnow()
    with db.admin_session() as s:
        account = b.account(s, "C1", "Customer One")
        messages = [
            InboundMessage(account_id=account.id, channel="email", dedupe_key=f"k{n}",
                           sender="x@y.example", raw=b"-", status=status_,
                           received_at=now - timedelta(hours=n))
            for n, status_ in enumerate([InboundStatus.handed_off, InboundStatus.handed_off,
                                         InboundStatus.failed, InboundStatus.handed_off], 1)
        ]  # fmt: skip
        s.add_all(messages)
        s.flush()
        s.add(Handoff(inbound_message_id=messages[0].id))  # open
        s.add(Handoff(inbound_message_id=messages[1].id, resolution="closed"))  # done
        s.add(Handoff(inbound_message_id=messages[3].id))  # open, the oldest
        s.add(SyncRun(source="erp", status=SyncStatus.succeeded, started_at=now - timedelta(2)))
        s.add(SyncRun(source="erp", status=SyncStatus.failed, started_at=now, error="HTTP 503"))
        s.add(SyncRun(source="csv", status=SyncStatus.succeeded, started_at=now))
    report = json.loads(status("--json").output)["status"]
    assert report["handoffs"]["depth"] == 3  # two open rows and a failed message not yet touched
    assert report["handoffs"]["oldest_at"] == (now - timedelta(hours=4)).isoformat()
    assert [(s["source"], s["status"]) for s in report["syncs"]] == [
        ("csv", "succeeded"), ("erp", "failed"),
    ]  # fmt: skip
    assert [p.split(":")[0] for p in report["problems"]] == ["sync erp"]
    assert "erp failed" in status().output and "HTTP 503" in status().output


def test_imap_intake_that_stopped_fetching_is_unhealthy_and_says_why(db, status):
    imap = {"imap_url": "imaps://ar@mail.example/INBOX", "imap_password": "hunter2-secret"}
    long_ago = utcnow() - timedelta(minutes=30)
    _row(db, ProcessKind.worker, timedelta(seconds=1), imap_fetched_at=long_ago,
         imap_failed_at=utcnow() - timedelta(minutes=1), imap_failure="oauth2")  # fmt: skip
    result = status(**imap)
    assert result.exit_code == 1
    [problem] = _problems(result)
    assert problem.startswith(f"IMAP intake: no successful fetch since {_at(long_ago)}")
    assert problem.endswith(": oauth2")
    assert "hunter2" not in result.output
    assert status().exit_code == 0  # without IMAP configured, an old fetch is no one's concern


def test_imap_failing_after_a_recent_fetch_and_smtp_errors_are_reported(db, status):
    imap = {"imap_url": "imaps://ar@mail.example/INBOX", "imap_password": "secret"}
    now = utcnow()
    _row(db, ProcessKind.worker, timedelta(seconds=1), imap_fetched_at=now - timedelta(minutes=2),
         imap_failed_at=now - timedelta(minutes=1), imap_failure="login")  # fmt: skip
    _row(db, ProcessKind.smtpd, timedelta(seconds=1), smtp_errors=3, smtp_error_at=now)
    problems = _problems(status(**imap))
    assert problems[0].startswith("IMAP intake: failing since ") and problems[0].endswith("login")
    assert problems[1].startswith("SMTP intake: 3 message(s) could not be stored")
    intake = json.loads(status("--json", **imap).output)["status"]["intake"]
    assert (intake["imap_failure"], intake["smtp_errors"]) == ("login", 3)


def test_intake_health_records_the_failure_kind_never_its_text(db):
    health = IntakeHealth()
    health.imap_failed(OAuth2Error("the IMAP OAuth2 token endpoint answered HTTP 400 (bad)"))
    assert health.imap_failure == "oauth2"
    health.imap_failed(ConnectionRefusedError(111, "Connection refused"))
    assert health.imap_failure == "connection"
    beat = Beat(db, ProcessKind.worker, health).start()
    health.smtp_failed()
    beat.stop()
    with db.admin_session() as s:
        [row] = s.query(Heartbeat).all()
    assert (row.imap_failure, row.smtp_errors, row.state) == ("connection", 1, ProcessState.stopped)


def test_rows_of_processes_gone_for_a_day_are_pruned(db):
    _row(db, ProcessKind.worker, timedelta(days=2), ProcessState.stopped)
    _row(db, ProcessKind.clock, timedelta(days=2))  # died two days ago
    _row(db, ProcessKind.smtpd, timedelta(hours=2), ProcessState.stopped)
    assert prune(db) == 2
    with db.admin_session() as s:
        assert [r.kind for r in s.query(Heartbeat)] == [ProcessKind.smtpd]


def _at(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
