"""Settings an admin changes in the AR console (``setting_overrides``): one row per overridden
setting, its text as the environment would give it.

Not account-owned, so no row-level security. The customer-facing role may read the name and
value (the portal applies the overrides, such as a link's lifetime, through its own connection);
only the privileged role (the console) writes them.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PORTAL_ROLE = "ardesk_portal"


def upgrade() -> None:
    op.create_table(
        "setting_overrides",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(1000), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_setting_overrides"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT SELECT (name, value) ON setting_overrides TO {PORTAL_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"REVOKE SELECT (name, value) ON setting_overrides FROM {PORTAL_ROLE}")
    op.drop_table("setting_overrides")
