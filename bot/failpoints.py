"""Named points where the worker can be made to die on purpose, to prove in tests that a crash
at any step loses no message and sends no reply twice.

Set ``ARDESK_TEST_FAILPOINT`` to a point's name and the process exits at once (``os._exit``: no
clean-up, no commit, like a kill) when it gets there. Unset, a point costs one dict look-up.
"""

from __future__ import annotations

import os

POINTS = ("after_fetch", "after_decide", "after_send")
EXIT_CODE = 70


def reach(name: str) -> None:
    if (
        os.environ.get("ARDESK_TEST_FAILPOINT") == name
        and os.environ.get("ARDESK_ENV") != "production"
    ):
        os._exit(EXIT_CODE)
