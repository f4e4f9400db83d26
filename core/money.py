"""Amounts as their currency writes them: EUR with two decimals, JPY with none, KWD with three."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import get_currency_precision


def in_currency(amount: Decimal, currency: str) -> Decimal:
    """``amount`` at its currency's own precision (stored amounts carry four decimals)."""
    return amount.quantize(
        Decimal(1).scaleb(-get_currency_precision(currency)), rounding=ROUND_HALF_EVEN
    )
