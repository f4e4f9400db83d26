"""What the bot had understood when a person corrected it (its intents), so that accuracy on
corrections can be shown before and after the model was trained on them
(`ardesk intents eval --corrections`). Corrections are read on the privileged role only, as
before: no new grant.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("corrections") as batch:
        batch.add_column(sa.Column("understood", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("corrections") as batch:
        batch.drop_column("understood")
