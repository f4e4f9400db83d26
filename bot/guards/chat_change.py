"""Edits and deletions of chat messages: the original was answered already (or never asked)."""

from bot.context import Context
from bot.guards import Rule


def _check(ctx: Context) -> str | None:
    chat = ctx.inbound.chat
    return f"a {chat.change} event" if chat is not None and chat.change else None


CHAT_CHANGE = Rule("chat_change", _check)
