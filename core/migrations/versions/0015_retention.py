"""Retention and personal data: when a message's text was redacted, and the suppression list of
addresses forgotten on request (keyed hashes) with the key they are made with.

Neither new table is granted to the customer-facing role: only ``ardesk contacts forget``, the
sync and ``contacts add`` (all on the privileged role) read or write them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UNREDACTED = sa.text("redacted_at IS NULL")


def upgrade() -> None:
    for table, column in (("inbound_messages", "received_at"), ("outbound_messages", "created_at")):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
        op.create_index(
            f"ix_{table}_unredacted",
            table,
            [column],
            sqlite_where=UNREDACTED,
            postgresql_where=UNREDACTED,
        )
    op.create_table(
        "suppressed_addresses",
        sa.Column("id", ID, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_suppressed_addresses_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_suppressed_addresses"),
        sa.UniqueConstraint(
            "digest", "account_id", name="uq_suppressed_addresses_digest_account_id"
        ),
    )
    op.create_index("ix_suppressed_addresses_account_id", "suppressed_addresses", ["account_id"])
    keys = op.create_table(
        "suppression_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suppression_keys"),
    )
    # Made here, once: every process of every machine then hashes with the same key.
    op.bulk_insert(keys, [{"id": 1, "key": secrets.token_hex(32), "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("suppression_keys")
    op.drop_table("suppressed_addresses")
    for table in ("outbound_messages", "inbound_messages"):
        op.drop_index(f"ix_{table}_unredacted", table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("redacted_at")
