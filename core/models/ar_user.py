"""A member of the AR team who uses the console."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, BigId, UTCDateTime, utcnow


class ARRole(enum.StrEnum):
    admin = "admin"  # manages users, settings, roles and links; works requests
    agent = "agent"  # works requests


class ARUser(Base):
    __tablename__ = "ar_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    role: Mapped[ARRole] = mapped_column(
        Enum(ARRole, native_enum=False, length=16), default=ARRole.agent
    )
    # Base32 TOTP secret; when set, signing in also asks for the six-digit code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Failed sign-ins since the last success; reaching the limit locks the user until
    # ``locked_until``, whatever password comes next.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last TOTP time step accepted: a code seen once is never accepted again.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
