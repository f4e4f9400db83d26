"""The deflection rollup: per-day counts the dashboard and ``ardesk report deflection`` read.

Only ``core.deflection_rollup`` writes these tables (``ardesk clock`` every minute, or a reader
finding them out of date); they start empty and fill from the requests already stored. Read on
the privileged role only, as the rest of the console: the customer-facing role gets no grant.

Revision ID: 0017
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTS = ("received", "answered", "handed_off", "ignored", "pending", "deflected", "asked_again",
          "unopened", "with_links", "opened", "downloaded")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "deflection_tallies",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("day", "dimension", "key", name="pk_deflection_tallies"),
    )
    op.create_table(
        "deflection_contacts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "contact_id", name="pk_deflection_contacts"),
    )
    op.create_table(
        "deflection_reply_times",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("who", sa.String(16), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "who", "seconds", name="pk_deflection_reply_times"),
    )
    op.create_table(
        "deflection_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_deflection_days"),
    )
    op.create_table(
        "deflection_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recent", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deflection_state"),
    )


def downgrade() -> None:
    for table in ("deflection_state", "deflection_days", "deflection_reply_times",
                  "deflection_contacts", "deflection_tallies"):  # fmt: skip
        op.drop_table(table)
