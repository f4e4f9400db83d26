"""Server-side sessions for the portal and the AR console; ``/login`` requests queued.

The cookie holds a random secret; this table holds the session under its SHA-256, so sign-out,
link expiry, revocation and "end every session of this account" end a session at once, whatever
copy of the cookie survives. Customer rows carry their account and sit under row-level security
like every account's rows; the customer-facing role may open, touch and end them, nothing more.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PORTAL_ROLE = "ardesk_portal"
CONTEXT = "NULLIF(current_setting('ardesk.account_id', true), '')::bigint"


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("customer", "ar", name="sessionkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("link_id", sa.String(32), nullable=True),
        sa.Column(
            "ar_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_web_sessions_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_web_sessions_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["access_links.id"],
            name="fk_web_sessions_link_id_access_links",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ar_user_id"],
            ["ar_users.id"],
            name="fk_web_sessions_ar_user_id_ar_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
    )
    op.create_table(
        "login_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(400), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_requests"),
    )
    op.create_index("ix_web_sessions_account_id", "web_sessions", ["account_id"])
    op.create_index("ix_web_sessions_contact", "web_sessions", ["contact_id"])
    op.create_index("ix_web_sessions_link_id", "web_sessions", ["link_id"])
    op.create_index("ix_web_sessions_ar_user_id", "web_sessions", ["ar_user_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE web_sessions ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE web_sessions FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY account_isolation ON web_sessions USING (account_id = {CONTEXT})"
        )
        op.execute(f"GRANT SELECT, INSERT ON web_sessions TO {PORTAL_ROLE}")
        op.execute(
            f"GRANT UPDATE (last_seen_at, ended_at, ended_reason) ON web_sessions TO {PORTAL_ROLE}"
        )


def downgrade() -> None:
    op.drop_table("login_requests")
    op.drop_table("web_sessions")
