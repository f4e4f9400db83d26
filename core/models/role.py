"""Roles and their permissions, held as data so AR can change the matrix without a release."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base

PERMISSIONS = (
    "view_invoices",
    "download_documents",
    "view_statements",
    "view_payments",
    "raise_disputes",
)

DEFAULT_MATRIX: dict[str, tuple[str, ...]] = {
    "ap_contact": ("view_invoices", "download_documents", "view_statements", "view_payments"),
    "finance_approver": PERMISSIONS,
    "account_manager": ("view_invoices", "view_statements"),
}


class Role(Base):
    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="")


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role: Mapped[str] = mapped_column(
        String(64), ForeignKey("roles.name", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)
