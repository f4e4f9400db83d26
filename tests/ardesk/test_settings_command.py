"""`ardesk settings show`: what is in effect and from where, never a secret."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ardesk.cli import main


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
    rows = {row["setting"]: row for row in json.loads(result.output)}
    assert rows["ARDESK_LINK_TTL"] == {"setting": "ARDESK_LINK_TTL", "value": "7200s",
                                       "source": "environment"}  # fmt: skip
    assert rows["ARDESK_SESSION_IDLE"]["source"] == "default"
    assert rows["ARDESK_IMAP_PASSWORD"]["value"] == "set"
    assert rows["ARDESK_SECRET_KEY_FALLBACKS"]["value"] == "unset"
    assert rows["ARDESK_SMTP_URL"]["value"] == "smtp+starttls://ar:***@mail.example.com:587"
    assert rows["ARDESK_DATABASE_URL"]["value"] == "postgresql://ardesk:***@db.example.com/ardesk"
    for secret in ("smtp-secret", "imap-secret", "db-secret"):
        assert secret not in result.output
