"""Bulk, list and junk mail is never answered."""

from bot.context import Context
from bot.guards import Rule

_NEVER = {"bulk", "list", "junk"}


def _check(ctx: Context) -> str | None:
    value = (ctx.inbound.header("precedence") or "").strip().lower()
    return f"Precedence: {value}" if value in _NEVER else None


PRECEDENCE = Rule("precedence", _check)
