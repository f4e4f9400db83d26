"""Named points where the worker can be made to die or hang on purpose, to prove in tests that a
crash at any step loses no message and sends no reply twice, and that a runaway message cannot
hold a worker past its deadline.

Set ``ARDESK_TEST_FAILPOINT`` to a point's name and the process exits at once (``os._exit``: no
clean-up, no commit, like a kill) when it gets there. Set ``ARDESK_TEST_STALL_SUBJECT`` and
understanding hangs on any message whose subject contains that text, as a backtracking pattern
would. Unset, or in production, each costs one look-up.
"""

from __future__ import annotations

import os
import time

from core.config import ConfigError, environment

POINTS = ("after_fetch", "after_decide", "after_send")
EXIT_CODE = 70
STALL_SECONDS = 3600.0


def _testing() -> bool:
    # ARDESK_ENV read as the settings read it: a spelling they would refuse (``Production``)
    # leaves the hooks dead too, never live in what an operator meant as production.
    try:
        return environment(os.environ) != "production"
    except ConfigError:
        return False


def reach(name: str) -> None:
    if os.environ.get("ARDESK_TEST_FAILPOINT") == name and _testing():
        os._exit(EXIT_CODE)


def stall(subject: str) -> None:
    marker = os.environ.get("ARDESK_TEST_STALL_SUBJECT")
    if marker and marker in subject and _testing():
        time.sleep(STALL_SECONDS)
