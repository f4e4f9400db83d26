"""Our own replies coming back (a forwarding loop, a customer's auto-forward)."""

from bot.context import Context
from bot.guards import Rule
from mailers import OWN_MAIL_HEADER


def _check(ctx: Context) -> str | None:
    if ctx.inbound.header(OWN_MAIL_HEADER):
        return f"carries our own {OWN_MAIL_HEADER} header"
    return None


OWN_MAIL = Rule("own_mail", _check)
