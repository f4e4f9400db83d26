"""Heartbeats: one row per run of a long-running process, written by the process itself, read by
`ardesk status` and `/readyz`.

Not account-owned, so no row-level security; the customer-facing role gets no grant on it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("worker", "clock", "smtpd", "slack", "teams")
STATES = ("running", "stopping", "stopped")


def upgrade() -> None:
    op.create_table(
        "heartbeats",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="processkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="processstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("leads", sa.Boolean(), nullable=True),
        sa.Column("imap_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imap_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imap_failure", sa.String(32), nullable=True),
        sa.Column("smtp_errors", sa.Integer(), nullable=False),
        sa.Column("smtp_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_heartbeats")),
    )
    op.create_index("ix_heartbeats_beat_at", "heartbeats", ["beat_at"])


def downgrade() -> None:
    op.drop_table("heartbeats")
