"""Hand-off threads: a customer's follow-up attached to the open hand-off it answers, duplicates
merged into one, the queue's mark for new customer input, and an index for a contact's
requests around one (the console's repeats and possible duplicates). Read and written on the
privileged role only (the console and the bot's worker): no grant to the portal role.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("new_input_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "handoff_members",
        sa.Column("inbound_message_id", ID, nullable=False),
        sa.Column("handoff_id", ID, nullable=False),
        sa.Column(
            "kind",
            sa.Enum("followup", "duplicate", name="memberkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name="fk_handoff_members_inbound_message_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["inbound_messages.id"],
            name="fk_handoff_members_handoff_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inbound_message_id", name="pk_handoff_members"),
    )
    op.create_index("ix_handoff_members_handoff_id", "handoff_members", ["handoff_id"])
    op.create_index(
        "ix_inbound_messages_contact_received", "inbound_messages", ["contact_id", "received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_contact_received", "inbound_messages")
    op.drop_index("ix_handoff_members_handoff_id", "handoff_members")
    op.drop_table("handoff_members")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("new_input_at")
