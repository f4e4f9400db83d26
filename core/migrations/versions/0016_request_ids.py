"""The request id a message came in with (a Slack event, a Teams activity, a portal dispute),
so the worker's and the outbox's log lines about it carry the id the web's lines carry.

Only a nullable column is added: code of the release before keeps storing and reading messages
while this runs.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inbound_messages", sa.Column("request_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("request_id")
