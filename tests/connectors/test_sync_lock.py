"""Two syncs of the same source never run at once: the second fails fast, in one line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from ardesk.commands.sync import sync as sync_command
from ardesk.runtime import Runtime
from connectors.sync.engine import SyncAlreadyRunning
from connectors.sync.lock import source_lock
from core.models import Invoice, SyncRun
from tests.connectors.conftest import sync


def count(db, model) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(model))


# Through PgBouncer in transaction mode too: the lock lives in a transaction, which the pooler
# keeps on one server connection (a session lock would not survive it).
@pytest.mark.parametrize("db", ["sqlite", "postgresql", "pgbouncer"], indirect=True)
def test_a_second_sync_of_a_running_source_fails_fast(db, example_dir):
    with source_lock(db, "example"):  # the first sync, still running
        with pytest.raises(SyncAlreadyRunning, match=r"^sync of example is already running$"):
            sync(db, example_dir / "sources.toml", "example")
        assert count(db, Invoice) == 0
        assert count(db, SyncRun) == 0  # a refused run is no failed run

    report = sync(db, example_dir / "sources.toml", "example")  # once it is done, it runs

    assert report.inserted["invoices"] == 5


def test_another_source_is_not_held_up(db, example_dir):
    with source_lock(db, "elsewhere"):
        report = sync(db, example_dir / "sources.toml", "example")

    assert report.inserted["invoices"] == 5


def test_the_lock_is_released_when_a_sync_fails(db, example_dir):
    (example_dir / "invoices.csv").unlink()
    with pytest.raises(Exception, match="does not exist"):
        sync(db, example_dir / "sources.toml", "example")
    (example_dir / "invoices.csv").write_text("")

    with source_lock(db, "example"):  # free again
        pass


def test_the_command_says_so_in_one_line_and_exits_non_zero(db, example_dir, tmp_path):
    env = {
        "ARDESK_ENV": "test",
        "ARDESK_VAR_DIR": str(db.settings.var_dir),
        "ARDESK_SECRET_KEY": db.settings.secret_key,
        "ARDESK_DATABASE_URL": db.settings.database_url,
        "ARDESK_PORTAL_DATABASE_URL": db.settings.portal_database_url,
        "ARDESK_SOURCES_FILE": str(example_dir / "sources.toml"),
    }
    runner = CliRunner()
    runtime = Runtime()
    try:
        with source_lock(db, "example"):
            result = runner.invoke(sync_command, ["example"], env=env, obj=runtime)
    finally:
        runtime.close()

    assert result.exit_code != 0
    assert result.output.strip() == "Error: sync of example is already running"
