"""`ardesk sources check`: what an implementer runs first. It connects, reads a page of each
record type, validates the mapping, prints what a sync would import, and writes nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ardesk.cli import main
from ardesk.runtime import Runtime
from tests.connectors.conftest import snapshot, write_sources
from tests.connectors.fake_erp import Reply
from tests.connectors.test_outcomes import SECRET, SOURCES, Ledger
from tests.support.cli import cli_env


@pytest.fixture
def ledger(erp) -> Ledger:
    return Ledger(erp)


def check(db, tmp_path, sources_text: str, *args: str, secret=SECRET):
    path = write_sources(tmp_path, sources_text)
    env = cli_env(db.settings, tmp_path) | secret
    runtime = Runtime()
    try:
        return CliRunner().invoke(
            main, ["sources", "check", *args, "--sources", str(path)], env=env, obj=runtime
        )
    finally:
        runtime.close()


def test_it_shows_what_a_sync_would_import_and_writes_nothing(db, erp, ledger, tmp_path):
    before = snapshot(db)

    result = check(db, tmp_path, SOURCES.format(url=erp.url), "erp", "--rows", "2")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "erp (rest): ok"
    assert "  accounts: 2 read, 0 rejected" in lines
    assert "    would import CU1 Adatum Corporation (EUR, active)" in lines
    assert "    would import INV-1 of CU1 2026-09-01: 119.0 EUR (invoice)" in lines
    assert "  invoices: 2 read, 0 rejected" in lines  # two rows asked for: one page
    assert [r.query["page"] for r in erp.calls("/api/invoices")] == ["1"]
    assert snapshot(db) == before


def test_a_row_the_mapping_refuses_is_shown_and_fails_the_check(db, erp, ledger, tmp_path):
    ledger.invoices[0]["date"] = "31.09.2026"

    result = check(db, tmp_path, SOURCES.format(url=erp.url), "--json")

    assert result.exit_code == 1
    [found] = json.loads(result.output)
    invoices = next(r for r in found["records"] if r["record"] == "invoices")
    assert [(r["row"], r["field"]) for r in invoices["rejected"]] == [
        ("invoices INV-1", "issue_date")
    ]


def test_refused_credentials_fail_in_one_line(db, erp, ledger, tmp_path):
    erp.route("POST", "/oauth/token", Reply(401, {"error": "invalid_client"}))

    result = check(db, tmp_path, SOURCES.format(url=erp.url), "erp")

    assert result.exit_code == 1
    assert "  failed: token request refused: HTTP 401" in result.output.splitlines()
    assert "s3cret" not in result.output


def test_a_mapping_that_names_an_unknown_field_is_refused_before_reading(db, erp, tmp_path):
    text = SOURCES.format(url=erp.url).replace('name = "name"\n', 'nmae = "name"\n', 1)

    result = check(db, tmp_path, text, "erp")

    assert result.exit_code == 1
    assert "unknown field 'nmae'" in result.output
    assert erp.requests == []
