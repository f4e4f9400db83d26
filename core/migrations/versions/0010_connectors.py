"""Data as of: when each account's data was last confirmed by a successful sync of its source.

The portal shows it beside balances ("data as of 14:05"), so customers know how current the
figures are. It lives on the account row, which the customer-facing role already reads under
row-level security; the sync runs themselves stay readable by the privileged role only.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("data_as_of", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("data_as_of")
