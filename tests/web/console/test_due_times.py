"""A hand-off's due time runs only in business hours: working days, working hours, no
holidays, in the AR team's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.business_hours import Schedule
from core.config import ConfigError, load_settings

WEEKDAYS = Schedule.parse("mon-fri 09:00-17:00", "Europe/Berlin", ("2026-12-24",))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_request_late_on_friday_falls_due_on_monday():
    friday_4pm = at("2026-11-27T16:00:00+01:00")
    assert WEEKDAYS.due(friday_4pm, timedelta(hours=4)) == at("2026-11-30T12:00:00+01:00")


def test_a_request_at_night_starts_counting_when_work_starts():
    tuesday_3am = at("2026-12-01T03:00:00+01:00")
    assert WEEKDAYS.due(tuesday_3am, timedelta(hours=4)) == at("2026-12-01T13:00:00+01:00")


def test_a_holiday_is_skipped():
    wednesday_4pm = at("2026-12-23T16:00:00+01:00")
    assert WEEKDAYS.due(wednesday_4pm, timedelta(hours=2)) == at("2026-12-25T10:00:00+01:00")


def test_a_bad_schedule_stops_the_program_at_start_naming_the_setting(tmp_path):
    base = {"ARDESK_ENV": "test", "ARDESK_SECRET_KEY": "k" * 40, "ARDESK_VAR_DIR": str(tmp_path)}
    for name, value in (("ARDESK_AR_TIME_ZONE", "Mars/Base"),
                        ("ARDESK_AR_BUSINESS_HOURS", "weekdays 9-5"),
                        ("ARDESK_AR_HOLIDAYS", "christmas")):  # fmt: skip
        with pytest.raises(ConfigError, match="ARDESK_AR_BUSINESS_HOURS"):
            load_settings({**base, name: value})
