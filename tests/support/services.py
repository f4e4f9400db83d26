"""What to do when a real service the tests need is not installed.

With ``CI=true`` a missing integration dependency is a failure, never a silent skip; elsewhere
the test skips with a message naming what to install.
"""

from __future__ import annotations

import os

import pytest


def missing(what: str, install: str) -> None:
    message = f"{what} is not available: install it with `{install}` (or run `make test`)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
