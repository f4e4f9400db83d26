"""Bounces and delivery reports: an empty Return-Path, MAILER-DAEMON or postmaster senders, DSNs,
mail without a sender. A message whose sender could not be read is not one of them."""

from bot.context import Context
from bot.guards import Rule

_SYSTEM_SENDERS = ("mailer-daemon", "postmaster")


def _check(ctx: Context) -> str | None:
    message = ctx.inbound
    if message.channel != "email":
        return None
    if message.is_delivery_report:
        return "delivery status notification"
    return_path = message.header("return-path")
    if return_path is not None and return_path.strip() in ("<>", ""):
        return "empty Return-Path"
    if not message.sender and _unreadable(message):
        # A From (or a whole message) that could not be read is not a system's: it goes on, as
        # an unknown sender, to AR, who can read it.
        return None
    local_part = message.sender.partition("@")[0]
    if not message.sender or local_part in _SYSTEM_SENDERS:
        return f"system sender {message.sender or '(none)'}"
    return None


def _unreadable(message) -> bool:
    """A message whose sender is empty because it could not be read, not because it has none."""
    return bool(message.parse_problem) or message.sender_problem not in (None, "no From header")


BOUNCE = Rule("bounce", _check)
