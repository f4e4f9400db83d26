"""Core tables, default roles, row-level security, grants and the append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 08:59:56.681072
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Exact decimals: NUMERIC on PostgreSQL, ten-thousandths as integers on SQLite (core.models.base).
EXACT = sa.Numeric(19, 4).with_variant(sa.BigInteger(), "sqlite")

# Frozen copies of what this revision installs; later changes get revisions of their own.
DEFAULT_MATRIX = {
    "ap_contact": ("view_invoices", "download_documents", "view_statements", "view_payments"),
    "finance_approver": (
        "view_invoices",
        "download_documents",
        "view_statements",
        "view_payments",
        "raise_disputes",
    ),
    "account_manager": ("view_invoices", "view_statements"),
}
ROLE_DESCRIPTIONS = {
    "ap_contact": "Accounts-payable contact: invoices, documents, statements, payments",
    "finance_approver": "Finance approver: everything an AP contact sees, and may raise disputes",
    "account_manager": "Account manager: sees invoices and statements, downloads nothing",
}
ACCOUNT_SCOPED = (
    "contacts",
    "invoices",
    "invoice_lines",
    "payments",
    "payment_allocations",
    "documents",
    "access_links",
    "audit_events",
    "inbound_messages",
    "outbound_messages",
)
# The customer-facing group role; the portal's login role is a member of it (docs/postgresql.md).
PORTAL_ROLE = "ardesk_portal"
CONTEXT = "NULLIF(current_setting('ardesk.account_id', true), '')::bigint"

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("erp_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("email_domains", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active", "on_hold", "closed", name="accountstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("source", "erp_id", name=op.f("uq_accounts_source_erp_id")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_erp_id"), ["erp_id"], unique=False)

    op.create_table(
        "ar_users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ar_users")),
        sa.UniqueConstraint("email", name=op.f("uq_ar_users_email")),
    )
    op.create_table(
        "roles",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_roles")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("slack_user_id", sa.String(length=64), nullable=True),
        sa.Column("teams_user_id", sa.String(length=128), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("erp_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_contacts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["role"], ["roles.name"], name=op.f("fk_contacts_role_roles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("account_id", "email", name=op.f("uq_contacts_account_id_email")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contacts_slack_user_id"), ["slack_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contacts_teams_user_id"), ["teams_user_id"], unique=False
        )

    op.create_table(
        "invoices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("erp_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("invoice", "credit_note", name="invoicekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal", EXACT, nullable=False),
        sa.Column("tax", EXACT, nullable=False),
        sa.Column("total", EXACT, nullable=False),
        sa.Column("amount_paid", EXACT, nullable=False),
        sa.Column("balance", EXACT, nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "partially_paid",
                "paid",
                "void",
                name="invoicestatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("po_number", sa.String(length=64), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoices_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("source", "erp_id", name=op.f("uq_invoices_source_erp_id")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            "ix_invoices_account_issue", ["account_id", "issue_date"], unique=False
        )
        batch_op.create_index("ix_invoices_account_number", ["account_id", "number"], unique=False)
        batch_op.create_index("ix_invoices_account_po", ["account_id", "po_number"], unique=False)
        batch_op.create_index(
            "ix_invoices_account_status_due", ["account_id", "status", "due_date"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("erp_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", EXACT, nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_payments_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("source", "erp_id", name=op.f("uq_payments_source_erp_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            "ix_payments_account_received", ["account_id", "received_on"], unique=False
        )

    op.create_table(
        "role_permissions",
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("permission", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["role"],
            ["roles.name"],
            name=op.f("fk_role_permissions_role_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role", "permission", name=op.f("pk_role_permissions")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("link_id", sa.String(length=32), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=400), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_audit_events_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_audit_events_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_account_at", ["account_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "invoice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "erp_original",
                "rendered_invoice",
                "rendered_statement",
                name="documentkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("verification_code", sa.String(length=16), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_documents_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_documents_invoice_id_invoices"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("verification_code", name=op.f("uq_documents_verification_code")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_inputs_hash"), ["inputs_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "processing",
                "answered",
                "handed_off",
                "ignored",
                name="inboundstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_inbound_messages_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_inbound_messages_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint(
            "channel", "dedupe_key", name=op.f("uq_inbound_messages_channel_dedupe_key")
        ),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_messages_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "ix_inbound_messages_status_received", ["status", "received_at"], unique=False
        )

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "invoice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", EXACT, nullable=False),
        sa.Column("unit_price", EXACT, nullable=False),
        sa.Column("tax_rate", EXACT, nullable=False),
        sa.Column("net_amount", EXACT, nullable=False),
        sa.Column("tax_amount", EXACT, nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_invoice_lines_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "invoice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", EXACT, nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_payment_allocations_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payment_allocations_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_allocations_account_applied", ["account_id", "applied_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_payment_id"), ["payment_id"], unique=False
        )

    op.create_table(
        "access_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "scope",
            sa.Enum(
                "invoice",
                "statement",
                "list",
                "portal",
                name="linkscope",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column(
            "inbound_message_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_access_links_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_access_links_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_access_links_inbound_message_id_inbound_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_links")),
    )
    with op.batch_alter_table("access_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_links_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_access_links_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_access_links_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "inbound_message_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "sent", "failed", name="outboundstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_outbound_messages_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_outbound_messages_inbound_message_id_inbound_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
    )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbound_messages_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbound_messages_inbound_message_id"),
            ["inbound_message_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_outbound_messages_status_next", ["status", "next_attempt_at"], unique=False
        )
    _seed_roles()
    if op.get_bind().dialect.name == "postgresql":
        _row_level_security()
        _portal_grants()
    _append_only_audit()


def _seed_roles() -> None:
    roles = sa.table("roles", sa.column("name"), sa.column("description"))
    permissions = sa.table("role_permissions", sa.column("role"), sa.column("permission"))
    op.bulk_insert(roles, [{"name": n, "description": d} for n, d in ROLE_DESCRIPTIONS.items()])
    op.bulk_insert(
        permissions,
        [{"role": r, "permission": p} for r, perms in DEFAULT_MATRIX.items() for p in perms],
    )


def _row_level_security() -> None:
    """FORCE makes the policies bind the tables' owner too; only BYPASSRLS roles see past them."""
    for table, key in [("accounts", "id")] + [(t, "account_id") for t in ACCOUNT_SCOPED]:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY account_isolation ON {table} USING ({key} = {CONTEXT})")


def _portal_grants() -> None:
    op.execute(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PORTAL_ROLE}') THEN
                CREATE ROLE {PORTAL_ROLE} NOLOGIN;
            END IF;
        END $$"""
    )
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {PORTAL_ROLE}')
    readable = (
        "accounts",
        "contacts",
        "invoices",
        "invoice_lines",
        "payments",
        "payment_allocations",
        "documents",
        "access_links",
        "roles",
        "role_permissions",
    )
    op.execute(f"GRANT SELECT ON {', '.join(readable)} TO {PORTAL_ROLE}")
    # RETURNING needs SELECT; row-level security still limits what comes back.
    op.execute(f"GRANT SELECT, INSERT ON audit_events TO {PORTAL_ROLE}")
    op.execute(f"GRANT INSERT ON documents TO {PORTAL_ROLE}")
    op.execute(f"GRANT UPDATE (uses, last_used_at) ON access_links TO {PORTAL_ROLE}")
    op.execute(f"GRANT USAGE ON SEQUENCE audit_events_id_seq, documents_id_seq TO {PORTAL_ROLE}")


def _append_only_audit() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """CREATE FUNCTION ardesk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$"""
        )
        op.execute(
            """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION ardesk_audit_append_only()"""
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"""
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ardesk_audit_append_only() CASCADE")
    for table in (
        "outbound_messages",
        "access_links",
        "payment_allocations",
        "invoice_lines",
        "inbound_messages",
        "documents",
        "audit_events",
        "role_permissions",
        "payments",
        "invoices",
        "contacts",
        "roles",
        "ar_users",
        "accounts",
    ):
        op.drop_table(table)
