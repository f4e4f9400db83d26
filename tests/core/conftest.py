"""The bot scenarios' supplier and customers serve the retention and personal-data tests too."""

from tests.bot.conftest import world  # noqa: F401
