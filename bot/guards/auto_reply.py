"""Messages the understanding classified as automatic (out-of-office, read receipts…)."""

from bot.context import Context
from bot.guards import Rule


def _check(ctx: Context) -> str | None:
    understanding = ctx.understanding
    if understanding is not None and "auto_reply" in understanding.intents:
        return "classified as an automatic reply"
    return None


AUTO_REPLY = Rule("auto_reply", _check)
