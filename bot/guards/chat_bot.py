"""Chat messages posted by a bot (ardesk's own included): answering bots makes loops."""

from bot.context import Context
from bot.guards import Rule


def _check(ctx: Context) -> str | None:
    chat = ctx.inbound.chat
    return "posted by a bot" if chat is not None and chat.from_bot else None


CHAT_BOT = Rule("chat_bot", _check)
