"""Configuration from the environment: safe defaults in development, none in production."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.config import ConfigError, load_settings, parse_duration


def test_it_parses_durations():
    assert parse_duration("48h") == timedelta(hours=48)
    assert parse_duration(" 30m ") == timedelta(minutes=30)
    assert parse_duration("7d") == timedelta(days=7)
    for bad in ("", "48", "h", "-1h", "0h", "2 days"):
        with pytest.raises(ConfigError):
            parse_duration(bad)


def test_it_defaults_to_sqlite_under_var_and_a_generated_secret(tmp_path):
    settings = load_settings({"ARDESK_VAR_DIR": str(tmp_path)})
    again = load_settings({"ARDESK_VAR_DIR": str(tmp_path)})
    assert settings.env == "development"
    assert settings.database_url == f"sqlite:///{tmp_path / 'ardesk.db'}"
    assert settings.portal_database_url == settings.database_url
    assert len(settings.secret_key) >= 32
    assert again.secret_key == settings.secret_key  # generated once, then kept
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert settings.link_ttl == timedelta(hours=48)


def test_it_requires_a_real_secret_in_production(tmp_path):
    with pytest.raises(ConfigError, match="ARDESK_SECRET_KEY is required"):
        load_settings({"ARDESK_ENV": "production", "ARDESK_VAR_DIR": str(tmp_path)})
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings({"ARDESK_ENV": "production", "ARDESK_SECRET_KEY": "short"})
    assert not (tmp_path / "secret_key").exists()


def test_it_refuses_an_unknown_environment():
    with pytest.raises(ConfigError, match="ARDESK_ENV"):
        load_settings({"ARDESK_ENV": "staging"})


def test_it_keeps_the_secret_out_of_its_repr(tmp_path):
    settings = load_settings({"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_SECRET_KEY": "s" * 40})
    assert "s" * 40 not in repr(settings)
