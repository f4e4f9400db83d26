"""The audit trail names accounts and contacts without foreign keys.

Each foreign key made every audit insert lock the account's and the contact's row (``FOR KEY
SHARE``), a write to those rows; two portal requests of one account at once shared the lock through
a multixact. That was 20–75 µs of the database server's CPU per portal request, of about 500
(``bench/audit_keys.py``, ``docs/benchmarks.md``). Nor did the keys' actions ever work: the trail
is append-only, so the cascade (an account removed) and the nulling (a contact removed) were
refused by its own triggers, and the keys only made an account or contact with events impossible to
remove. Now the events outlive what they name, as an audit trail should; the portal and the worker
write events only for the account and contact they have just read.

Dropping a foreign key refuses nothing the running version writes, so the release keeps running
while this applies (``docs/operations.md``, Upgrading). On SQLite, which cannot drop a
constraint, the table is rebuilt, and its append-only triggers made again.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each key: its name, its column, what it referenced and what it did on delete.
KEYS = (
    ("fk_audit_events_account_id_accounts", "account_id", "accounts", "CASCADE"),
    ("fk_audit_events_contact_id_contacts", "contact_id", "contacts", "SET NULL"),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        for name, _, _, _ in KEYS:
            batch.drop_constraint(name, type_="foreignkey")
    _sqlite_triggers()


def downgrade() -> None:
    # Events naming an account or contact removed since stay (the trail is append-only): on
    # PostgreSQL the keys come back for new events alone (NOT VALID); SQLite checks them as the
    # rebuilt table is filled, so there the downgrade stops at such an event.
    with op.batch_alter_table("audit_events") as batch:
        for name, column, table, action in KEYS:
            batch.create_foreign_key(
                name, table, [column], ["id"], ondelete=action, postgresql_not_valid=True
            )
    _sqlite_triggers()


def _sqlite_triggers() -> None:
    """The append-only triggers of migration 0001, on SQLite's rebuilt table."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{verb.lower()}")
        op.execute(
            f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"""
        )
