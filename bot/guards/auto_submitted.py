"""RFC 3834: never answer a message whose Auto-Submitted is anything but "no"."""

from bot.context import Context
from bot.guards import Rule


def _check(ctx: Context) -> str | None:
    value = ctx.inbound.header("auto-submitted")
    if value is not None and value.split(";")[0].strip().lower() != "no":
        return f"Auto-Submitted: {value.strip()[:40]}"
    for name in ("x-autoreply", "x-autorespond"):
        if ctx.inbound.header(name):
            return f"{name} header"
    return None


AUTO_SUBMITTED = Rule("auto_submitted", _check)
