"""ARDESK_ENV is read one way everywhere: the settings and the test-only failure hooks agree on
whether this is production."""

from __future__ import annotations

import contextlib

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from bot import failpoints
from core.config import ConfigError, load_settings
from tests.support.production import production_environ


class _Exited(Exception):
    """Stands in for ``os._exit``: the hook fired."""


@pytest.fixture
def hooks(monkeypatch):
    """Arms both hooks and records whether either fired instead of exiting or hanging."""
    fired: list[str] = []

    def exit_(code: int) -> None:
        fired.append(f"exit {code}")
        raise _Exited

    monkeypatch.setattr(failpoints.os, "_exit", exit_)
    monkeypatch.setattr(failpoints.time, "sleep", lambda seconds: fired.append("stall"))
    monkeypatch.setenv("ARDESK_TEST_FAILPOINT", "after_send")
    monkeypatch.setenv("ARDESK_TEST_STALL_SUBJECT", "slow")
    return fired


def _reach_both() -> None:
    with contextlib.suppress(_Exited):
        failpoints.reach("after_send")
    failpoints.stall("a slow subject")


@pytest.mark.parametrize("value", ["production", "Production", "PRODUCTION", " production"])
def test_the_failure_hooks_are_dead_in_production_however_it_is_spelled(hooks, monkeypatch, value):
    monkeypatch.setenv("ARDESK_ENV", value)
    _reach_both()
    assert hooks == []


@pytest.mark.parametrize("value", ["Prod", "staging", ""])
def test_the_failure_hooks_are_dead_under_an_environment_the_settings_refuse(
    hooks, monkeypatch, value
):
    monkeypatch.setenv("ARDESK_ENV", value)
    _reach_both()
    assert hooks == []


@pytest.mark.parametrize("value", ["test", "development", None])
def test_the_failure_hooks_fire_in_development_and_test(hooks, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("ARDESK_ENV", raising=False)
    else:
        monkeypatch.setenv("ARDESK_ENV", value)
    _reach_both()
    assert hooks == [f"exit {failpoints.EXIT_CODE}", "stall"]


@pytest.mark.parametrize("value", ["Production", "PRODUCTION", " production", "Test"])
def test_an_environment_not_written_as_documented_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="ARDESK_ENV must be written") as raised:
        load_settings(production_environ(tmp_path, ARDESK_ENV=value))
    assert "\n" not in str(raised.value)


def test_the_command_line_refuses_a_capitalised_environment_in_one_line(tmp_path):
    result = CliRunner().invoke(
        main, ["settings", "show"], env=production_environ(tmp_path, ARDESK_ENV="Production")
    )
    assert result.exit_code == 1
    assert result.output == "Error: ARDESK_ENV must be written 'production', not 'Production'\n"
