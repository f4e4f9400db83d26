"""A source's first import: empty tables get their indexes built once at the end, a big source is
read in a second process, and the result is the same as row-by-row syncing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from connectors.sync import context, deferred, engine
from connectors.sync.engine import SyncFailed
from tests.connectors.conftest import EXAMPLES, nothing_changed, snapshot, sync

SOURCES = EXAMPLES / "csv" / "sources.toml"


def indexes(db) -> set[str]:
    if db.dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = (
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' UNION ALL "
            "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        )
    with db.engine.connect() as conn:
        return set(conn.exec_driver_sql(query).scalars())


@pytest.fixture
def read_in_a_second_process(monkeypatch):
    monkeypatch.setattr(engine, "PARALLEL_READ_BYTES", 0)


def test_a_first_import_puts_every_index_and_constraint_back(db):
    before = indexes(db)

    sync(db, SOURCES, "example")

    assert indexes(db) == before


def test_a_failed_first_import_leaves_the_indexes_as_they_were(db, example_dir):
    before = indexes(db)
    (example_dir / "payments.csv").unlink()

    with pytest.raises(SyncFailed):
        sync(db, example_dir / "sources.toml", "example")

    assert indexes(db) == before
    assert snapshot(db)["invoices"] == []


def test_reading_in_a_second_process_gives_the_same_data(db, read_in_a_second_process):
    report = sync(db, SOURCES, "example")

    assert report.inserted["invoices"] == 5 and report.inserted["lines"] == 6
    assert [r.record for r in report.rejected] == []
    assert nothing_changed(sync(db, SOURCES, "example", full=True))


def test_a_source_error_in_the_second_process_reaches_the_sync(
    db, example_dir, read_in_a_second_process
):
    (example_dir / "invoice_lines.csv").unlink()

    with pytest.raises(SyncFailed, match=r"invoice_lines\.csv does not exist"):
        sync(db, example_dir / "sources.toml", "example")

    assert snapshot(db)["accounts"] == []


def test_an_id_repeated_in_a_later_batch_updates_the_first_row(db, example_dir, monkeypatch):
    monkeypatch.setattr(context, "BATCH", 1)
    monkeypatch.setattr(engine, "BATCH", 1)
    invoices = example_dir / "invoices.csv"
    rows = invoices.read_text(encoding="utf-8").splitlines()
    later = rows[1].replace("1.190,00", "1.290,00").replace(";190,00;", ";290,00;")
    invoices.write_text("\n".join([*rows, later]) + "\n", encoding="utf-8")

    report = sync(db, example_dir / "sources.toml", "example")

    assert report.inserted["invoices"] == 5 and report.updated["invoices"] == 1
    totals = {erp_id: total for erp_id, _, total, *_ in snapshot(db)["invoices"]}
    assert str(totals["RE-2026-0101"]) == "1290.0000"


def test_a_first_import_beside_another_keeps_the_indexes(pg_db):
    with pg_db.engine.connect() as other:  # another source's first import, deferring indexes
        other.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": deferred.DEFER_LOCK}
        )
        dropped = []
        with pg_db.engine.connect() as conn, conn.begin():
            later = deferred.DeferredIndexes(conn)
            later.drop()
            dropped = later.tables
        other.rollback()

    assert dropped == []
    assert sync(pg_db, SOURCES, "example").inserted["invoices"] == 5
