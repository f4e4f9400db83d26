"""`ardesk settings show`: what is in effect and from where, never a secret."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ardesk.cli import main
from core import setting_overrides
from tests.support.cli import cli_env


def test_it_shows_each_setting_its_source_and_no_secret(tmp_path):
    env = {
        "ARDESK_VAR_DIR": str(tmp_path),
        "ARDESK_LINK_TTL": "2h",
        "ARDESK_SMTP_URL": "smtp+starttls://ar:smtp-secret@mail.example.com:587",
        "ARDESK_IMAP_PASSWORD": "imap-secret",
        "ARDESK_DATABASE_URL": "postgresql://ardesk:db-secret@db.example.com/ardesk",
    }
    result = CliRunner().invoke(main, ["settings", "show", "--json"], env=env)
    assert result.exit_code == 0, result.output
    # No database here: one line says the console's settings are not shown; the rest is.
    assert result.stderr == (
        "console settings not shown: the database is not reachable (OperationalError)\n"
    )
    rows = {row["setting"]: row for row in json.loads(result.stdout)}
    assert rows["ARDESK_LINK_TTL"] == {"setting": "ARDESK_LINK_TTL", "value": "2h",
                                       "source": "environment"}  # fmt: skip
    assert rows["ARDESK_SESSION_IDLE"]["source"] == "default"
    assert rows["ARDESK_IMAP_PASSWORD"]["value"] == "set"
    assert rows["ARDESK_SECRET_KEY_FALLBACKS"]["value"] == "unset"
    assert rows["ARDESK_SMTP_URL"]["value"] == "smtp+starttls://ar:***@mail.example.com:587"
    assert rows["ARDESK_DATABASE_URL"]["value"] == "postgresql://ardesk:***@db.example.com/ardesk"
    for secret in ("smtp-secret", "imap-secret", "db-secret"):
        assert secret not in result.output


def test_a_value_changed_in_the_console_shows_as_such(db, tmp_path):
    with db.admin_session() as s:
        setting_overrides.change(s, db.settings, "link_ttl", "3h", by="ar:ada@supplier.example")
    env = {**cli_env(db.settings, tmp_path), "ARDESK_REPLIES_PER_SENDER_HOUR": "7"}
    result = CliRunner().invoke(main, ["settings", "show", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    rows = {row["setting"]: row for row in json.loads(result.stdout)}
    assert rows["ARDESK_LINK_TTL"] == {"setting": "ARDESK_LINK_TTL", "value": "3h",
                                       "source": "console"}  # fmt: skip
    assert rows["ARDESK_REPLIES_PER_SENDER_HOUR"]["source"] == "environment"
    assert rows["ARDESK_AR_FIRST_RESPONSE"]["value"] == "4h"


def test_without_a_database_file_it_says_so_and_creates_none(tmp_path):
    env = {"ARDESK_VAR_DIR": str(tmp_path), "ARDESK_ENV": "test"}
    result = CliRunner().invoke(main, ["settings", "show"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"console settings not shown: no database at {tmp_path}/ardesk.db\n"
    assert "ARDESK_LINK_TTL" in result.stdout and "48h" in result.stdout
    assert not (tmp_path / "ardesk.db").exists()
