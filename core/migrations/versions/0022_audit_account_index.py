"""One index fewer to write for every audit event.

``ix_audit_events_account_id`` repeats the first column of ``ix_audit_events_account_at``, which
serves every lookup by account (the console's audit trail, the cascade when an account goes) as
well; each portal request wrote both.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_account_id")


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.create_index("ix_audit_events_account_id", ["account_id"], unique=False)
