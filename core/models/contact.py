"""A person at a customer who may ask for that account's billing documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.account import Account
from core.models.base import AccountOwned, Base, BigId, UTCDateTime, utcnow

LANGUAGES = ("en", "de", "fr", "es", "nl", "it", "pt")
# The locale whose conventions each language follows in mail, pages and PDFs. European
# conventions, because the customers of a European AR team are mostly European: en_GB writes
# "15 March 2025", pt_PT is the Portuguese of Portugal.
LOCALES: dict[str, str] = {
    "en": "en_GB",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "nl": "nl_NL",
    "it": "it_IT",
    "pt": "pt_PT",
}


class Contact(AccountOwned, Base):
    __tablename__ = "contacts"
    # One address may belong to contacts of several accounts (a shared-service AP team).
    __table_args__ = (
        UniqueConstraint("account_id", "email"),
        # A Slack user id is unique only within its team: the identity is the pair.
        Index("ix_contacts_slack_identity", "slack_team_id", "slack_user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)  # stored lower-case
    role: Mapped[str] = mapped_column(String(64), ForeignKey("roles.name"))
    language: Mapped[str | None] = mapped_column(String(8))
    slack_team_id: Mapped[str | None] = mapped_column(String(32))
    slack_user_id: Mapped[str | None] = mapped_column(String(64))
    # Teams: the user's Entra ID (AAD) object id and the tenant it belongs to.
    teams_tenant_id: Mapped[str | None] = mapped_column(String(64))
    teams_user_id: Mapped[str | None] = mapped_column(String(128), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The e-invoice format AR set for this contact (before the account's), if any.
    preferred_format: Mapped[str | None] = mapped_column(String(24))
    # An AP-automation inbox: it cannot click an interstitial, so e-invoices come attached.
    automation_inbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str] = mapped_column(String(64), default="ardesk")
    erp_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    account: Mapped[Account] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Contact {self.email} of account {self.account_id}>"
