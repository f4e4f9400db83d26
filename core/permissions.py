"""What a role may do, read from the role/permission matrix that AR maintains as data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PERMISSIONS, RolePermission


def permissions_for(session: Session, role: str) -> frozenset[str]:
    return frozenset(
        session.scalars(select(RolePermission.permission).where(RolePermission.role == role))
    )


def has_permission(session: Session, role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    return permission in permissions_for(session, role)
