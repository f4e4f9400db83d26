"""Guards: small named rules that decide a message must not be answered (RFC 3834 and common
sense). Each returns a reason to hold the message, or None to let it through; every verdict goes
into the decision record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.context import Context


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[Context], str | None]


from bot.guards.auto_reply import AUTO_REPLY  # noqa: E402
from bot.guards.auto_submitted import AUTO_SUBMITTED  # noqa: E402
from bot.guards.bounce import BOUNCE  # noqa: E402
from bot.guards.chat_bot import CHAT_BOT  # noqa: E402
from bot.guards.chat_change import CHAT_CHANGE  # noqa: E402
from bot.guards.chat_rate import CHAT_USER_RATE  # noqa: E402
from bot.guards.mailing_list import MAILING_LIST  # noqa: E402
from bot.guards.own_mail import OWN_MAIL  # noqa: E402
from bot.guards.precedence import PRECEDENCE  # noqa: E402
from bot.guards.rate_limit import ACCOUNT_RATE, SENDER_RATE  # noqa: E402

# Read from the headers (or the chat event) alone, before anything else.
HEADER_RULES: tuple[Rule, ...] = (
    OWN_MAIL,
    AUTO_SUBMITTED,
    PRECEDENCE,
    MAILING_LIST,
    BOUNCE,
    CHAT_BOT,
    CHAT_CHANGE,
    CHAT_USER_RATE,
)
# Need the understanding and the sender's identity.
CONTENT_RULES: tuple[Rule, ...] = (AUTO_REPLY, SENDER_RATE, ACCOUNT_RATE)

__all__ = ["CONTENT_RULES", "HEADER_RULES", "Rule"]
