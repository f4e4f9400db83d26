"""The AR console: AR users' role, TOTP and lock-out; the request log's search terms; the
hand-off queue's assignments, notes and resolutions; corrections of what the bot understood.

``request_terms`` is read by the console on the privileged role only: the customer-facing role
gets no grant on it. Terms of messages stored before this revision are filled in here from their
decision records, so the request log's search finds them too.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("ar_users") as batch:
        batch.add_column(
            sa.Column(
                "role",
                sa.Enum("admin", "agent", name="arrole", native_enum=False, length=16),
                nullable=False,
                server_default="agent",
            )
        )
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("ar_users") as batch:
        # The defaults only filled existing rows; the model sets every value from now on.
        batch.alter_column("role", server_default=None)
        batch.alter_column("failed_sign_ins", server_default=None)

    op.create_index("ix_inbound_messages_received_id", "inbound_messages", ["received_at", "id"])
    op.create_table(
        "request_terms",
        sa.Column("id", ID, nullable=False),
        sa.Column("inbound_message_id", ID, nullable=False),
        sa.Column(
            "kind",
            sa.Enum("intent", "invoice", "po", name="termkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("value", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name="fk_request_terms_inbound_message_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_request_terms"),
    )
    op.create_index("ix_request_terms_inbound_message_id", "request_terms", ["inbound_message_id"])
    op.create_index(
        "ix_request_terms_kind_value", "request_terms", ["kind", "value", "inbound_message_id"]
    )
    op.create_index(
        "ix_request_terms_value",
        "request_terms",
        ["value", "inbound_message_id"],
        postgresql_ops={"value": "text_pattern_ops"},
    )
    _index_existing()
    _handoffs()
    _corrections()


def _corrections() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", ID, nullable=False),
        sa.Column("inbound_message_id", ID, nullable=False),
        sa.Column("ar_user_id", ID, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("intents", sa.JSON(), nullable=False),
        sa.Column("invoice_numbers", sa.JSON(), nullable=False),
        sa.Column("po_numbers", sa.JSON(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name="fk_corrections_inbound_message_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ar_user_id"],
            ["ar_users.id"],
            name="fk_corrections_ar_user_id_ar_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_corrections"),
    )
    op.create_index("ix_corrections_inbound_message_id", "corrections", ["inbound_message_id"])
    op.create_index("ix_corrections_at", "corrections", ["at"])


def _handoffs() -> None:
    op.create_table(
        "handoffs",
        sa.Column("inbound_message_id", ID, nullable=False),
        sa.Column("assigned_to", ID, nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "resolution",
            sa.Enum("answered", "closed", name="resolution", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", ID, nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("outbound_message_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name="fk_handoffs_inbound_message_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["ar_users.id"],
            name="fk_handoffs_assigned_to_ar_users",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["ar_users.id"],
            name="fk_handoffs_resolved_by_ar_users",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbound_message_id"],
            ["outbound_messages.id"],
            name="fk_handoffs_outbound_message_id_outbound_messages",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("inbound_message_id", name="pk_handoffs"),
    )
    op.create_index("ix_handoffs_assigned_to", "handoffs", ["assigned_to"])
    op.create_index("ix_handoffs_resolved_at", "handoffs", ["resolved_at"])
    op.create_index(
        "ix_handoffs_open",
        "handoffs",
        ["inbound_message_id"],
        sqlite_where=sa.text("resolution IS NULL"),
        postgresql_where=sa.text("resolution IS NULL"),
    )
    op.create_table(
        "handoff_notes",
        sa.Column("id", ID, nullable=False),
        sa.Column("inbound_message_id", ID, nullable=False),
        sa.Column("ar_user_id", ID, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name="fk_handoff_notes_inbound_message_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ar_user_id"],
            ["ar_users.id"],
            name="fk_handoff_notes_ar_user_id_ar_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_notes"),
    )
    op.create_index("ix_handoff_notes_inbound_message_id", "handoff_notes", ["inbound_message_id"])


def _index_existing() -> None:
    from core.request_index import terms_of

    bind = op.get_bind()
    messages = sa.table("inbound_messages", sa.column("id", ID), sa.column("decision", sa.JSON()))
    terms = sa.table(
        "request_terms",
        sa.column("inbound_message_id", ID),
        sa.column("kind", sa.String()),
        sa.column("value", sa.String()),
    )
    rows = bind.execute(
        sa.select(messages.c.id, messages.c.decision).where(messages.c.decision.is_not(None))
    ).all()
    for message_id, decision in rows:
        found = [
            {"inbound_message_id": message_id, "kind": kind.value, "value": value}
            for kind, value in terms_of(decision)
        ]
        if found:
            bind.execute(terms.insert(), found)


def downgrade() -> None:
    op.drop_table("corrections")
    op.drop_table("handoff_notes")
    op.drop_table("handoffs")
    op.drop_table("request_terms")
    op.drop_index("ix_inbound_messages_received_id", "inbound_messages")
    with op.batch_alter_table("ar_users") as batch:
        for column in (
            "totp_last_step",
            "last_sign_in_at",
            "locked_until",
            "failed_sign_ins",
            "totp_secret",
            "role",
        ):
            batch.drop_column(column)
