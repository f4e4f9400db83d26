"""The deflection rollup: per-day counts the dashboard and ``ardesk report deflection`` read;
and an index for the dashboard's live workload table.

Only ``core.deflection_rollup`` writes these tables (``ardesk clock`` every minute, or a reader
finding them out of date); they start empty and fill from the requests already stored. Read on
the privileged role only, as the rest of the console: the customer-facing role gets no grant.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Rows kept in key order on SQLite (see core/models/deflection_rollup.py).
CLUSTERED = {"sqlite_with_rowid": False}
COUNTS = ("received", "answered", "handed_off", "ignored", "pending", "deflected", "asked_again",
          "unopened", "with_links", "opened", "downloaded")  # fmt: skip


def upgrade() -> None:
    # Each agent's resolutions in a range, for the dashboard's workload table (read live).
    op.create_index("ix_handoffs_resolved_by_at", "handoffs", ["resolved_by", "resolved_at"])
    op.create_table(
        "deflection_tallies",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("dimension", "key", "day", name="pk_deflection_tallies"),
        **CLUSTERED,
    )
    op.create_index("ix_deflection_tallies_day", "deflection_tallies", ["day"])
    op.create_table(
        "deflection_contacts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", "day", name="pk_deflection_contacts"),
        **CLUSTERED,
    )
    op.create_index("ix_deflection_contacts_day", "deflection_contacts", ["day"])
    op.create_table(
        "deflection_reply_times",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("who", sa.String(16), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("who", "seconds", "day", name="pk_deflection_reply_times"),
        **CLUSTERED,
    )
    op.create_index("ix_deflection_reply_times_day", "deflection_reply_times", ["day"])
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
    op.drop_index("ix_handoffs_resolved_by_at", "handoffs")
    for table in ("deflection_state", "deflection_days", "deflection_reply_times",
                  "deflection_contacts", "deflection_tallies"):  # fmt: skip
        op.drop_table(table)
