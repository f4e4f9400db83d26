"""Mail that came through a mailing list (List-Id) is never answered."""

from bot.context import Context
from bot.guards import Rule


def _check(ctx: Context) -> str | None:
    return "List-Id header" if ctx.inbound.header("list-id") else None


MAILING_LIST = Rule("mailing_list", _check)
