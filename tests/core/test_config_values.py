"""Values that parse but cannot work are refused when the settings load, in one line naming the
variable, never at the first request or delivery that needs them, and never with a password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from core import setting_overrides
from core.config import ConfigError, Settings, load_settings, parse_duration
from core.errors import InvalidInput
from tests.support.cli import cli_env
from tests.support.production import production_environ

PASSWORD = "pw-s3cret"
DURATIONS = [name for name, field in Settings.model_fields.items() if field.annotation is timedelta]


def _refused(environ: dict[str, str], variable: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(environ)
    message = str(raised.value)
    assert message.startswith(f"{variable}: "), message
    assert "\n" not in message
    assert PASSWORD not in message
    return message


def _development(tmp_path, **values: str) -> dict[str, str]:
    return {"ARDESK_VAR_DIR": str(tmp_path), **values}


@pytest.mark.parametrize(
    ("ttl", "says"),
    [
        ("60d", "a link lives from 1m to 31d"),
        ("32d", "a link lives from 1m to 31d"),
        ("5w", "a link lives from 1m to 31d"),
        ("30s", "a link lives from 1m to 31d"),
        ("99999999999999999999d", "duration too long"),
    ],
)
def test_a_link_lifetime_no_link_may_have_is_refused_at_start(tmp_path, ttl, says):
    assert says in _refused(_development(tmp_path, ARDESK_LINK_TTL=ttl), "ARDESK_LINK_TTL")


def test_a_link_lifetime_from_a_minute_to_31_days_is_accepted(tmp_path):
    for ttl, expected in (
        ("1m", timedelta(minutes=1)),
        ("31d", timedelta(days=31)),
        ("744h", timedelta(days=31)),
    ):
        assert load_settings(_development(tmp_path, ARDESK_LINK_TTL=ttl)).link_ttl == expected


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_console_refuses_a_link_lifetime_beyond_31_days_and_stores_nothing(db):
    with db.admin_session() as s:
        with pytest.raises(InvalidInput, match="ARDESK_LINK_TTL"):
            setting_overrides.change(s, db.settings, "link_ttl", "60d", by="ar:ada@x.example")
        assert setting_overrides.read(s) == {}
    # One stored before this check existed is left out, the environment's value kept.
    assert setting_overrides.apply(db.settings, {"link_ttl": "60d"}).link_ttl == timedelta(hours=48)


def test_a_huge_duration_is_an_error_not_an_overflow():
    with pytest.raises(ConfigError, match="too long"):
        parse_duration("99999999999999999999d")
    with pytest.raises(ConfigError, match="too long"):
        parse_duration("5300w")


@pytest.mark.parametrize("name", DURATIONS)
def test_every_duration_setting_refuses_a_huge_value_in_one_line(tmp_path, name):
    variable = f"ARDESK_{name.upper()}"
    _refused(_development(tmp_path, **{variable: "99999999999999999999d"}), variable)


@pytest.mark.parametrize("variable", ["ARDESK_IMAP_POLL_INTERVAL", "ARDESK_SMTP_TIMEOUT"])
@pytest.mark.parametrize("value", ["inf", "1e400"])
def test_an_endless_number_of_seconds_is_refused(tmp_path, variable, value):
    _refused(_development(tmp_path, **{variable: value}), variable)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"ftp://user:{PASSWORD}@mail.example.com:25", "must start with smtp://"),
        (f"smtps://user:{PASSWORD}@mail.example.com:notaport", "port"),
        (f"smtp+starttls://user:{PASSWORD}@mail.example.com:70000", "port"),
        (f"smtps://user:{PASSWORD}@:465", "host"),
        ("mail.example.com:25", "must start with smtp://"),
    ],
)
def test_an_smtp_url_that_cannot_send_is_refused_at_start(tmp_path, url, says):
    message = _refused(_development(tmp_path, ARDESK_SMTP_URL=url), "ARDESK_SMTP_URL")
    assert says in message


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"pop3://ar:{PASSWORD}@mail.example.com/INBOX", "must start with imaps://"),
        (f"imaps://ar:{PASSWORD}@mail.example.com:99999/INBOX", "port"),
        (f"imaps://ar:{PASSWORD}@mail.example.com:imap/INBOX", "port"),
        (f"imaps://ar:{PASSWORD}@[::1/INBOX", "is not a URL"),
        ("imaps://mail.example.com/INBOX", "names no user"),
        (f"imap+starttls://ar:{PASSWORD}@/INBOX", "host"),
    ],
)
def test_an_imap_url_that_cannot_fetch_is_refused_at_start(tmp_path, url, says):
    message = _refused(_development(tmp_path, ARDESK_IMAP_URL=url), "ARDESK_IMAP_URL")
    assert says in message


def test_the_imap_url_forms_documented_are_accepted(tmp_path):
    for url in (
        "imaps://ar%40supplier.example@mail.example.com/INBOX",
        "imap+starttls://ar@mail.example.com:143/AR%20Inbox",
        "imap://ar:pass@127.0.0.1:1143",
    ):
        assert load_settings(_development(tmp_path, ARDESK_IMAP_URL=url)).imap_url == url


def test_the_smtp_url_forms_documented_are_accepted(tmp_path):
    for url in (
        "smtp://127.0.0.1:25",
        "smtp+starttls://ar%40supplier.example:pass@mail.example.com:587",
        "smtps://mail.example.com",
        "smtps://ar:p%2Fss@[2001:db8::1]:465",
    ):
        assert load_settings(_development(tmp_path, ARDESK_SMTP_URL=url)).smtp_url == url


@pytest.mark.parametrize("variable", ["ARDESK_DATABASE_URL", "ARDESK_PORTAL_DATABASE_URL"])
@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"postgresql://ardesk:{PASSWORD}@db:notaport/ardesk", "port"),
        (f"postgresql://ardesk:{PASSWORD}@db:99999/ardesk", "port"),
        (f"postgresql+nodriver://ardesk:{PASSWORD}@db/ardesk", "postgresql+nodriver"),
        (f"mysql://ardesk:{PASSWORD}@db/ardesk", "mysql"),
        (f"postgres://ardesk:{PASSWORD}@db/ardesk", "postgres"),
        ("var/ardesk.db", "not a database URL"),
    ],
)
def test_a_database_url_ardesk_cannot_use_is_refused_at_start(tmp_path, variable, url, says):
    message = _refused(_development(tmp_path, **{variable: url}), variable)
    assert says in message


def test_the_database_urls_ardesk_uses_are_accepted_without_connecting(tmp_path):
    for url in (
        f"sqlite:///{tmp_path}/elsewhere.db",
        "postgresql://ardesk:p%40ss@db.example.com/ardesk",
        "postgresql+psycopg://ardesk@db.example.com:6432/ardesk?sslmode=require",
        "postgresql:///ardesk",
    ):
        settings = load_settings(_development(tmp_path, ARDESK_PORTAL_DATABASE_URL=url))
        assert settings.portal_database_url == url
    assert not (tmp_path / "elsewhere.db").exists()


@pytest.mark.parametrize("variable", ["ARDESK_FROM_ADDRESS", "ARDESK_AR_ADDRESS"])
@pytest.mark.parametrize(
    "value",
    [
        "@",
        "a@b, c@d",
        "ar@supplier.example; ar2@supplier.example",
        "Accounts <ar@supplier.example>",
        "ar@",
        "@supplier.example",
        "ar team@supplier.example",
        "not-an-address",
    ],
)
@pytest.mark.parametrize("environment", ["production", "development"])
def test_an_address_setting_must_be_exactly_one_address(tmp_path, variable, value, environment):
    environ = (
        production_environ(tmp_path, **{variable: value})
        if environment == "production"
        else _development(tmp_path, **{variable: value})
    )
    message = _refused(environ, variable)
    assert "one address" in message


def test_one_plain_address_is_accepted_everywhere(tmp_path):
    settings = load_settings(
        production_environ(
            tmp_path,
            ARDESK_FROM_ADDRESS=" billing@supplier.example ",
            ARDESK_AR_ADDRESS="ar-team@supplier.example",
        )
    )
    assert (settings.from_address, settings.ar_address) == (
        "billing@supplier.example",
        "ar-team@supplier.example",
    )
    assert load_settings(_development(tmp_path)).sender_address == "ardesk@localhost"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARDESK_SMTP_URL", f"ftp://user:{PASSWORD}@mail.example.com:25"),
        ("ARDESK_SMTP_URL", f"smtps://user:{PASSWORD}@mail.example.com:notaport"),
        ("ARDESK_DATABASE_URL", f"postgresql://u:{PASSWORD}@db:notaport/x"),
        ("ARDESK_DATABASE_URL", f"postgresql+nodriver://u:{PASSWORD}@db/x"),
        ("ARDESK_PORTAL_DATABASE_URL", f"mysql://u:{PASSWORD}@db/x"),
        ("ARDESK_LINK_TTL", "60d"),
        ("ARDESK_LINK_TTL", "99999999999999999999d"),
        ("ARDESK_FROM_ADDRESS", "@"),
        ("ARDESK_AR_ADDRESS", "a@b, c@d"),
    ],
)
@pytest.mark.parametrize("command", [["settings", "show"], ["init"]])
def test_the_command_line_prints_a_bad_value_in_one_line_without_its_password(
    tmp_path, variable, value, command
):
    result = CliRunner().invoke(
        main, command, env={"ARDESK_ENV": "test", "ARDESK_VAR_DIR": str(tmp_path), variable: value}
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {variable}: ")
    assert result.output.count("\n") == 1
    assert PASSWORD not in result.output
    assert not (tmp_path / "ardesk.db").exists()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_worker_refuses_at_start_an_smtp_url_that_would_log_in_in_plain_text(db, tmp_path):
    env = {
        **cli_env(db.settings, tmp_path),
        "ARDESK_SMTP_URL": f"smtp://ar:{PASSWORD}@mail.example.com:25",
    }
    result = CliRunner().invoke(main, ["worker", "--once", "--no-intake"], env=env)
    assert result.exit_code == 1
    assert result.output.endswith(
        "\nError: ARDESK_SMTP_URL: log in only over smtp+starttls:// or smtps://\n"
    )
    assert PASSWORD not in result.output
