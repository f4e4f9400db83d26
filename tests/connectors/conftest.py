"""What connector tests share: sources files in a temporary folder, syncs without waiting."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.config import load_source
from connectors.sync.engine import run_sync
from core.db import Database
from core.documents.eligibility import Missing, missing
from core.documents.facts import entity_code, invoice_facts
from core.documents.formats import Format
from core.models import Account, Contact, Invoice, Payment

EXAMPLES = Path(__file__).resolve().parents[2] / "connectors" / "examples"


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    """A copy of the shipped CSV example that a test may edit."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLES / "csv", target)
    return target


def sync(db: Database, sources: Path, name: str, environ: dict | None = None, **options):
    config = load_source(sources, name, environ=environ)
    config.backoff_s = 0
    return run_sync(db, config, sleep=lambda _s: None, **options)


def snapshot(db: Database) -> dict:
    """Everything a sync writes, comparable between runs."""
    with db.admin_session() as s:
        return {
            "accounts": sorted(
                (a.erp_id, a.name, a.currency, a.status) for a in s.scalars(select(Account))
            ),
            "contacts": sorted(
                (c.email, c.name, c.role, c.language, c.active) for c in s.scalars(select(Contact))
            ),
            "invoices": sorted(
                (i.erp_id, i.kind, i.total, i.amount_paid, i.balance, i.status, len(i.lines))
                for i in s.scalars(select(Invoice))
            ),
            "payments": sorted(
                (p.erp_id, p.amount, len(p.allocations)) for p in s.scalars(select(Payment))
            ),
        }


def invoice(db: Database, number: str) -> Invoice:
    with db.admin_session() as s:
        found = s.scalars(select(Invoice).where(Invoice.number == number)).one()
        _ = found.lines
        return found


def einvoice_gaps(db: Database, number: str, fmt: Format = Format.facturx) -> tuple[Missing, ...]:
    """What ``fmt`` still lacks for a synced invoice: the seller is a brand-file entity known by
    the code the ERP names (the brand file is the operator's), everything else is the ERP's."""
    from tests.documents.samples import GERMAN_ENTITY

    with db.admin_session() as s:
        found = s.scalars(select(Invoice).where(Invoice.number == number)).one()
        account = s.get(Account, found.account_id)
        code = entity_code(found, account) or GERMAN_ENTITY.code
        return missing(
            invoice_facts(found, account, dataclasses.replace(GERMAN_ENTITY, code=code)), fmt
        )


def nothing_changed(report) -> bool:
    return not report.changed


def invoice_gone(db: Database, number: str) -> bool:
    with db.admin_session() as s:
        return s.scalars(select(Invoice.id).where(Invoice.number == number)).first() is None


@pytest.fixture
def erp():
    from tests.connectors.fake_erp import FakeERP

    with FakeERP() as server:
        yield server


def write_sources(folder: Path, text: str) -> Path:
    path = folder / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path
