"""Configuration from the environment: safe defaults in development, none in production."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from core.config import VARIABLES, ConfigError, load_settings, parse_duration
from core.settings_doc import render_markdown
from tests.support.production import production_environ


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
        load_settings(production_environ(tmp_path, ARDESK_SECRET_KEY=""))
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings(production_environ(tmp_path, ARDESK_SECRET_KEY="short"))
    assert not (tmp_path / "secret_key").exists()
    assert load_settings(production_environ(tmp_path)).is_production


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"ARDESK_BASE_URL": ""}, "ARDESK_BASE_URL must be set to the portal's public https"),
        ({"ARDESK_BASE_URL": "http://billing.example"}, "ARDESK_BASE_URL"),
        ({"ARDESK_FROM_ADDRESS": ""}, "ARDESK_FROM_ADDRESS is required"),
        ({"ARDESK_AR_ADDRESS": ""}, "ARDESK_AR_ADDRESS is required"),
        ({"ARDESK_AR_ADDRESS": "not-an-address"}, "ARDESK_AR_ADDRESS: must be one address"),
        ({"ARDESK_BRAND_FILE": ""}, "ARDESK_BRAND_FILE is required"),
        ({"ARDESK_BRAND_FILE": "/nonexistent/brand.toml"}, "not a readable file"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(tmp_path, missing, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(production_environ(tmp_path, **missing))


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ARDESK_LINK_TTL", "2 days", "ARDESK_LINK_TTL: not a duration"),
        ("ARDESK_PROXY_HOPS", "many", "ARDESK_PROXY_HOPS"),
        ("ARDESK_PROXY_HOPS", "9", "ARDESK_PROXY_HOPS"),
        ("ARDESK_SMTP_INTAKE_MAX_BYTES", "-1", "ARDESK_SMTP_INTAKE_MAX_BYTES"),
        ("ARDESK_HANDOFF_ACK", "perhaps", "ARDESK_HANDOFF_ACK"),
        ("ARDESK_IMAP_POLL_INTERVAL", "0", "ARDESK_IMAP_POLL_INTERVAL"),
        ("ARDESK_AR_OIDC_ISSUER", "https://idp.example", "ARDESK_AR_OIDC_ISSUER, _CLIENT_ID"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(tmp_path, variable, value, message):
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings({"ARDESK_VAR_DIR": str(tmp_path), variable: value})
    assert "\n" not in str(raised.value)


def test_the_command_line_prints_a_bad_value_as_one_line_and_exits_non_zero(tmp_path):
    result = CliRunner().invoke(
        main,
        ["accounts", "list"],
        env={"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_REPLIES_PER_SENDER_HOUR": "lots"},
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ARDESK_REPLIES_PER_SENDER_HOUR")
    assert result.output.count("\n") == 1


def test_an_unknown_variable_is_a_warning_in_development(tmp_path, caplog):
    settings = load_settings({"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_SMTP_ULR": "smtp://x"})
    assert settings.smtp_url is None
    assert "ignoring unknown setting ARDESK_SMTP_ULR" in caplog.text


def test_an_unknown_variable_stops_production(tmp_path):
    with pytest.raises(ConfigError, match="unknown setting ARDESK_SMTP_ULR"):
        load_settings(production_environ(tmp_path, ARDESK_SMTP_ULR="smtp://x"))


def test_credential_variables_declared_in_the_sources_file_and_test_switches_are_not_unknown(
    tmp_path,
):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[sources.erp]\nkind = "rest"\n[sources.erp.auth]\npassword_env = "ARDESK_ERP_PASSWORD"\n'
    )
    environ = production_environ(
        tmp_path,
        ARDESK_SOURCES_FILE=str(sources),
        ARDESK_ERP_PASSWORD="secret",
        ARDESK_TEST_FAILPOINT="after_fetch",
    )
    assert load_settings(environ).sources_file == sources


def test_a_dotenv_file_is_read_in_development_only_and_never_sets_the_environment(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("ARDESK_")]:
        monkeypatch.delenv(name)
    (tmp_path / ".env").write_text(
        "ARDESK_ENV=production\nARDESK_FROM_ADDRESS=dotenv@supplier.example\n"
    )
    monkeypatch.setenv("ARDESK_VAR_DIR", str(tmp_path))
    development = load_settings()
    assert development.env == "development"  # .env cannot switch to production
    assert development.from_address == "dotenv@supplier.example"
    for name, value in production_environ(tmp_path, ARDESK_FROM_ADDRESS="").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="ARDESK_FROM_ADDRESS is required"):
        load_settings()  # production ignores .env: its from-address does not count


def test_the_configuration_document_is_the_settings_own(tmp_path):
    documented = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text()
    regenerate = "python -m core.settings_doc > docs/configuration.md"
    assert documented == render_markdown(), regenerate
    for variable in VARIABLES:
        assert f"`{variable}`" in documented


def test_a_settings_copy_is_validated_like_the_original(tmp_path):
    settings = load_settings({"ARDESK_VAR_DIR": str(tmp_path)})
    assert settings.replace(link_ttl="30m").link_ttl == timedelta(minutes=30)
    with pytest.raises(ConfigError, match="ARDESK_REPLIES_PER_SENDER_HOUR"):
        settings.replace(replies_per_sender_hour=0)
    child = load_settings(settings.replace(smtp_url="smtp://h:25", link_ttl="2h").environ())
    assert (child.smtp_url, child.link_ttl, child.secret_key) == (
        "smtp://h:25",
        timedelta(hours=2),
        settings.secret_key,
    )


def test_it_refuses_an_unknown_environment():
    with pytest.raises(ConfigError, match="ARDESK_ENV"):
        load_settings({"ARDESK_ENV": "staging"})


def test_it_keeps_the_secret_out_of_its_repr(tmp_path):
    settings = load_settings({"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_SECRET_KEY": "s" * 40})
    assert "s" * 40 not in repr(settings)
