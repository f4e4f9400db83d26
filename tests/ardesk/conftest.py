"""The bot scenarios' supplier and customers serve the command tests too."""

from tests.bot.conftest import world  # noqa: F401
