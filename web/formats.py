"""Money and date formatters compiled once per (locale, currency) and kept for the process.

Babel's ``format_currency`` re-reads the locale's pattern, symbols and the currency's digits for
every amount; an invoice list formats fifty amounts a page. The CLDR patterns of the portal's
languages are plain (groups of three, one currency sign), so a formatter here renders the
number with Python's own grouping and swaps in the locale's symbols. Anything unusual (other
grouping, long currency names, non-finite amounts) goes to Babel, which stays the reference:
``tests/web/test_formats.py`` checks both give the same text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

MoneyFormatter = Callable[[Decimal], str]

# Babel strips single quotes around literal text in patterns ('' is a quote).
_QUOTED = re.compile(r"'([^']*)'")


def _unquote(text: str) -> str:
    return _QUOTED.sub(lambda match: match.group(1) or "'", text)


@lru_cache(maxsize=256)
def money_formatter(locale: str, currency: str) -> MoneyFormatter:
    """A function that formats amounts of ``currency`` as Babel's ``format_currency`` does."""
    parsed = Locale.parse(locale)
    pattern = parsed.currency_formats["standard"]

    def with_babel(amount: Decimal) -> str:
        return format_currency(amount, currency, locale=parsed)

    affixes = "".join(pattern.prefix + pattern.suffix)
    if (
        tuple(pattern.grouping) != (3, 3)
        or pattern.int_prec[0] != 1
        or pattern.scale
        or pattern.exp_prec
        or "@" in pattern.pattern
        or "¤¤" in affixes
        or "'" in affixes
    ):
        return with_babel
    symbol = get_currency_symbol(currency, parsed)
    prefixes = tuple(_unquote(text.replace("¤", symbol)) for text in pattern.prefix)
    suffixes = tuple(_unquote(text.replace("¤", symbol)) for text in pattern.suffix)
    digits = get_currency_precision(currency)
    quantum = Decimal(1).scaleb(-digits)
    group = get_group_symbol(parsed, numbering_system="latn")
    decimal = get_decimal_symbol(parsed, numbering_system="latn")
    # Python writes "," and "."; English needs nothing swapped.
    swapped = {",": group, ".": decimal}
    separators = None if (group, decimal) == (",", ".") else str.maketrans(swapped)

    def fast(amount: Decimal) -> str:
        if type(amount) is not Decimal or not amount.is_finite():
            return with_babel(amount)
        negative = int(amount.is_signed())
        number = f"{abs(amount).quantize(quantum):,f}"
        if separators is not None:
            number = number.translate(separators)
        return prefixes[negative] + number + suffixes[negative]

    return fast
