"""Billing parties and terms: what complete copies and e-invoices need from the ERP.

The buyer's tax id and postal address, payment terms and the issuing legal entity on accounts;
terms, legal entity and payment reference on invoices; each line's VAT category. All nullable:
a source that does not map them leaves them empty and the documents say what is missing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNT_COLUMNS = (
    ("tax_id", 64),
    ("address_line1", 200),
    ("address_line2", 200),
    ("postal_code", 32),
    ("city", 100),
    ("region", 100),
    ("country_code", 2),
    ("payment_terms", 200),
    ("legal_entity", 64),
)
INVOICE_COLUMNS = (("payment_terms", 200), ("legal_entity", 64), ("payment_reference", 64))


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        for name, length in ACCOUNT_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    with op.batch_alter_table("invoices") as batch:
        for name, length in INVOICE_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    with op.batch_alter_table("invoice_lines") as batch:
        batch.add_column(sa.Column("tax_category", sa.String(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoice_lines") as batch:
        batch.drop_column("tax_category")
    with op.batch_alter_table("invoices") as batch:
        for name, _ in reversed(INVOICE_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("accounts") as batch:
        for name, _ in reversed(ACCOUNT_COLUMNS):
            batch.drop_column(name)
