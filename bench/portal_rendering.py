"""``bench/portal.py --rendering``: what a first download costs in each format (copy PDF,
Factur-X, UBL, XRechnung CII and UBL) for a one-page invoice, the request on one warm process
(Flask's test client, SQLite), the stored document deleted before each run so every one renders
anew."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from portal import SECRET, environment, signed_in_client

from core import links
from core.config import load_settings
from core.db import Database
from core.models import Contact, Invoice, LinkScope

RENDERINGS = (
    ("copy PDF (EPC QR)", "/invoices/{id}/pdf"),
    ("Factur-X (PDF/A-3 + CII)", "/invoices/{id}/e-invoice/facturx"),
    ("UBL, Peppol BIS 3", "/invoices/{id}/e-invoice/ubl"),
    ("XRechnung CII", "/invoices/{id}/e-invoice/xrechnung_cii"),
    ("XRechnung UBL", "/invoices/{id}/e-invoice/xrechnung_ubl"),
)


def one_page_invoice(session, lines: int = 6) -> tuple[Contact, int]:
    """A complete account and an invoice of ``lines`` lines: one page as rendered."""
    from decimal import Decimal

    from core.models import InvoiceLine, InvoiceStatus
    from tests.support import builders

    account = builders.account(
        session, "R-1", "Rendering Bench GmbH", tax_id="DE987654321", country_code="DE",
        address_line1="Hauptstraße 5", postal_code="10115", city="Berlin",
        payment_terms="30 days net", electronic_address="EM:ap@bench.example",
    )  # fmt: skip
    contact = builders.contact(session, account, "ap@bench.example")
    net = Decimal("100.00") * lines
    invoice = Invoice(
        account_id=account.id, erp_id="R-INV-1", number="INV-2026-0001",
        issue_date=date(2026, 11, 2), due_date=date(2026, 12, 2), currency="EUR", subtotal=net,
        tax=net * Decimal("0.19"), total=net * Decimal("1.19"), balance=net * Decimal("1.19"),
        status=InvoiceStatus.open, po_number="PO-1",
    )  # fmt: skip
    for n in range(1, lines + 1):
        line = InvoiceLine(
            account_id=account.id, line_no=n, description=f"Hydraulic pump {n}",
            quantity=Decimal(2), unit_price=Decimal(50), net_amount=Decimal("100.00"),
            tax_rate=Decimal(19), tax_category="S", tax_amount=Decimal("19.00"),
        )  # fmt: skip
        invoice.lines.append(line)
    session.add(invoice)
    session.flush()
    return contact, invoice.id


def rendering(runs: int) -> None:
    """Milliseconds per uncached download of each format, for a one-page invoice."""
    from statistics import median

    from sqlalchemy import delete

    from core.migrate import upgrade
    from core.models import Document
    from mailers.brand import EXAMPLE_BRAND_FILE
    from web import create_app

    work = Path(tempfile.mkdtemp(prefix="ardesk-render-"))
    try:
        env = environment(work, f"sqlite:///{work / 'ardesk.db'}", "", "https://bench.example")
        env.pop("ARDESK_PORTAL_DATABASE_URL")
        settings = load_settings(env, read_dotenv=False).replace(brand_file=EXAMPLE_BRAND_FILE)
        db = Database.connect(settings)
        upgrade(db.engine)
        with db.admin_session() as s:
            contact, invoice_id = one_page_invoice(s)
            link = links.issue(s, links.LinkSigner(SECRET), settings.base_url, contact,
                               LinkScope.portal, ttl=timedelta(hours=1))  # fmt: skip
        client = signed_in_client(create_app(settings), link.token)
        print(f"\nrendering a one-page invoice, uncached, {runs} runs each (after one warm-up)")
        # CPU time beside wall time: on a shared machine it barely moves with the load.
        header = ("wall median", "wall max", "CPU median", "size")
        print(f"  {'format':<26} {header[0]:>11} {header[1]:>9} {header[2]:>11} {header[3]:>9}")
        for label, path in RENDERINGS:
            url = path.format(id=invoice_id)
            wall, cpu, size = [], [], 0
            for attempt in range(runs + 1):
                with db.admin_session() as s:
                    s.execute(delete(Document))
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                elapsed_cpu = (time.process_time() - started_cpu) * 1000
                if response.status_code != 200:
                    sys.exit(f"{url}: HTTP {response.status_code}")
                size = len(response.data)
                if attempt:  # the first run loads fonts, schemas and templates once
                    wall.append(elapsed)
                    cpu.append(elapsed_cpu)
            print(f"  {label:<26} {median(wall):>8.0f} ms {max(wall):>6.0f} ms "
                  f"{median(cpu):>8.0f} ms {size / 1024:>6.1f} KiB", flush=True)  # fmt: skip
        db.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
