"""Declarative base, naming conventions and the column types shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, MetaData, Numeric, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Amounts and quantities carry four decimal places: enough for three-decimal currencies and
# unit prices, exact everywhere.
SCALE = 4
_FACTOR = Decimal(10) ** SCALE


class Exact(TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC(19, 4) on PostgreSQL, a scaled integer on SQLite.

    SQLite has no decimal type (NUMERIC there is a float), so it stores ten-thousandths as an
    integer; sums in SQL stay exact and come back as Decimal through this type.
    """

    impl = Numeric(19, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):  # type: ignore[override]
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(19, SCALE, asdecimal=True))

    def process_bind_param(self, value, dialect: Dialect):  # type: ignore[override]
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and quantities are Decimal, never float")
        value = Decimal(value)
        if dialect.name == "sqlite":
            return int((value * _FACTOR).to_integral_value())
        return value

    def process_result_value(self, value, dialect: Dialect):  # type: ignore[override]
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / _FACTOR).quantize(Decimal(1).scaleb(-SCALE))
        return Decimal(value)


def to_storage(value: Decimal, dialect_name: str) -> int | Decimal:
    """The stored form of an exact decimal, for bulk loaders that bypass the ORM."""
    if dialect_name == "sqlite":
        return int((value * _FACTOR).to_integral_value())
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect: Dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: ardesk stores aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect: Dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# 64-bit ids on PostgreSQL; on SQLite an INTEGER PRIMARY KEY is what aliases the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def account_fk(*, nullable: bool = False):
    return mapped_column(
        BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=nullable
    )


class AccountScoped:
    """Rows that belong to one customer account (``account_id``; null rows belong to nobody).

    Every such class is filtered by the account scope in code (``core.db``) and by a row-level
    security policy in PostgreSQL; a query without an account context sees none of them.
    """

    @declared_attr
    def account_id(cls) -> Mapped[int | None]:
        return account_fk(nullable=True)


class AccountOwned(AccountScoped):
    """Rows that always belong to an account."""

    @declared_attr
    def account_id(cls) -> Mapped[int]:  # type: ignore[override]
        return account_fk()
