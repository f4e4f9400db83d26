"""Indexes the portal's invoice list sorts by (migration 0004), declared beside the model."""

from __future__ import annotations

from sqlalchemy import Index

from core.models.invoice import Invoice

PORTAL_INDEXES = (
    Index("ix_invoices_account_due", Invoice.account_id, Invoice.due_date),
    Index("ix_invoices_account_total", Invoice.account_id, Invoice.total),
)
