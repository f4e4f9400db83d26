"""A setting an admin changed in the AR console: its text as the environment would give it.

Only the names ``core.setting_overrides.OVERRIDABLE`` lists are ever stored, each validated
through the settings' own typed fields before it is written; the environment (or the default)
holds again once the row is gone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class SettingOverride(Base):
    __tablename__ = "setting_overrides"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # the field, `link_ttl`
    value: Mapped[str] = mapped_column(String(1000))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(400))  # the audit actor, `ar:<email>`
