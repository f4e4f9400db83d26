"""Bounces and delivery reports: an empty Return-Path, MAILER-DAEMON or postmaster senders, DSNs."""

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
    local_part = message.sender.partition("@")[0]
    if not message.sender or local_part in _SYSTEM_SENDERS:
        return f"system sender {message.sender or '(none)'}"
    return None


BOUNCE = Rule("bounce", _check)
