"""Outbox: an index for the reply rate limits (replies to one address in the last hour).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbound_messages_recipient_created",
        "outbound_messages",
        ["recipient", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_outbound_messages_recipient_created", table_name="outbound_messages")
