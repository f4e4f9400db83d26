"""Loading demo data into a database: checks first, then generation and loading side by side.

Large data sets are generated in a child process while this one loads the previous batch, so
the two cores of a small machine both work; small ones are generated in-process.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

import core
from core.bulkload import BulkLoader
from core.db import Database
from core.demo.accounts import CONTACT_COLUMNS
from core.demo.batch import Batch
from core.demo.generate import DEFAULT_CHUNK, DemoSpec, generate
from core.demo.numbering import ERP_STYLES, Counters
from core.demo.producer import read_batches
from core.migrate import upgrade
from core.models import (
    Account,
    ChatMapping,
    Contact,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    SuppressedAddress,
)
from core.suppression import Suppression

# Below this many invoices starting a second process costs more than it saves.
CHILD_PROCESS_THRESHOLD = 50_000


class DemoDataError(Exception):
    """Demo data cannot be loaded here; the message says why and what to do."""


@dataclass
class LoadResult:
    spec: DemoSpec
    dialect: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def holds_data(db: Database) -> bool:
    """Whether any customer data is there (the roles a migration installs do not count)."""
    with db.admin_session() as session:
        return any(
            session.scalar(select(model.id).limit(1)) is not None
            for model in (Account, Invoice, Payment)
        )


def counters_after_existing(db: Database) -> Counters:
    """Ids and document numbers that start past the rows already in the database."""
    counters = Counters()
    used: dict[str, int] = {}
    with db.admin_session() as session:
        for model, attribute in ((Account, "account_id"), (Contact, "contact_id"),
                                 (Invoice, "invoice_id"), (InvoiceLine, "line_id"),
                                 (Payment, "payment_id"), (PaymentAllocation, "allocation_id"),
                                 (ChatMapping, "chat_mapping_id")):
            largest = session.scalar(select(func.max(model.id))) or 0
            setattr(counters, attribute, largest + 1)
        for model in (Account, Invoice, Payment):
            query = select(model.source, func.count()).group_by(model.source)
            for source, count in session.execute(query):
                used[source] = used.get(source, 0) + count
    counters.shift_numbers({s.source: used.get(s.source, 0) for s in ERP_STYLES})
    return counters


def load_demo(db: Database, spec: DemoSpec, *, append: bool = False,
              on_invoices: Callable[[int], None] | None = None,
              on_stage: Callable[[str], None] | None = None,
              child_process: bool | None = None, chunk: int = DEFAULT_CHUNK) -> LoadResult:
    """Migrate if needed, then generate and load ``spec``.

    ``on_invoices`` hears how many invoices each batch brought; ``on_stage`` what the load is
    doing when it is not loading batches (building indexes and checking keys at the end).

    Refuses a database that holds data unless ``append`` (then ids and numbers continue after
    what is there).
    """
    started = time.perf_counter()
    upgrade(db.engine)
    if holds_data(db):
        if not append:
            raise DemoDataError(
                "the database already holds data; use --append to add demo data to it"
            )
        counters = counters_after_existing(db)
    else:
        counters = Counters()
    if child_process is None:
        child_process = spec.invoice_count >= CHILD_PROCESS_THRESHOLD
    batches: Generator[Batch, None, None]
    if child_process:
        batches = _generated_elsewhere(spec, db.dialect, counters, chunk)
    else:
        batches = generate(spec, db.dialect, counters, chunk)
    forgotten = _forgotten_filter(db)
    # closing(): a failed load stops the child process at once, not when garbage is collected.
    with closing(batches), BulkLoader(db) as loader:
        for batch in batches:
            for table, columns, rows in batch.tables():
                if table == "contacts" and forgotten is not None:
                    rows = forgotten(rows)
                if rows:
                    loader.load(table, columns, rows)
            if on_invoices is not None:
                on_invoices(len(batch.invoices))
        if on_stage is not None:
            on_stage("building indexes")
    return LoadResult(spec, db.dialect, dict(loader.rows_loaded), time.perf_counter() - started)


def _forgotten_filter(db: Database) -> Callable[[list[tuple]], list[tuple]] | None:
    """Drops generated contacts whose address was forgotten on request (``--append`` with the
    same seed makes the same people); None when nobody was forgotten. The list is read before
    loading: the loader holds the database meanwhile."""
    with db.admin_session() as session:
        query = select(SuppressedAddress.digest, SuppressedAddress.account_id)
        listed = set(session.execute(query))
        if not listed:
            return None
        suppression = Suppression.load(session)
    account, address = CONTACT_COLUMNS.index("account_id"), CONTACT_COLUMNS.index("email")

    def keep(rows: list[tuple]) -> list[tuple]:
        def forgotten(row: tuple) -> bool:
            digest = suppression.digest(row[address])
            return (digest, None) in listed or (digest, row[account]) in listed

        return [row for row in rows if not forgotten(row)]

    return keep


def _generated_elsewhere(spec: DemoSpec, dialect: str, counters: Counters,
                         chunk: int) -> Iterator[Batch]:
    """The batches of ``generate``, made in a child process while this one loads.

    A plain ``python -m core.demo.producer`` child rather than multiprocessing: it never
    re-imports the caller's main module, so any script or command can load demo data.
    """
    package_root = str(Path(core.__file__).resolve().parents[1])
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, (package_root, environment.get("PYTHONPATH")))
    )
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "core.demo.producer"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=environment,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            with child.stdin:
                child.stdin.write(pickle.dumps((spec, dialect, counters, chunk)))
            yield from read_batches(child.stdout)
            if child.wait() != 0:
                errors.seek(0)
                last = errors.read().decode(errors="replace").strip().splitlines()
                raise DemoDataError(
                    f"the demo data generator failed: {last[-1] if last else child.returncode}"
                )
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
