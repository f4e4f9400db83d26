"""Chat identities and mappings: a contact's Slack identity is the pair (team id, user id), its
Teams identity the AAD object id with its tenant; Slack teams, shared channels and Teams tenants
can be bound to an account; a chat user's requests of the last hour are counted by index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("slack_team_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("teams_tenant_id", sa.String(64), nullable=True))
        batch.drop_index("ix_contacts_slack_user_id")
        batch.create_index("ix_contacts_slack_identity", ["slack_team_id", "slack_user_id"])
    op.create_table(
        "chat_mappings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_chat_mappings_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_mappings")),
        sa.UniqueConstraint(
            "place", "external_id", name=op.f("uq_chat_mappings_place_external_id")
        ),
    )
    op.create_index(
        op.f("ix_chat_mappings_account_id"), "chat_mappings", ["account_id"], unique=False
    )
    op.create_index(
        "ix_inbound_messages_sender_received",
        "inbound_messages",
        ["channel", "sender", "received_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_sender_received", table_name="inbound_messages")
    op.drop_index(op.f("ix_chat_mappings_account_id"), table_name="chat_mappings")
    op.drop_table("chat_mappings")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_slack_identity")
        batch.create_index("ix_contacts_slack_user_id", ["slack_user_id"])
        batch.drop_column("teams_tenant_id")
        batch.drop_column("slack_team_id")
