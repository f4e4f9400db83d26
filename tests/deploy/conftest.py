"""The deployment tests start their own servers and processes: skip (or fail under CI) when this
machine lacks one."""

from __future__ import annotations

import pytest

from tests.support.deployment import servers_missing
from tests.support.services import missing


@pytest.fixture(autouse=True)
def _servers() -> None:
    what = servers_missing()
    if what:
        missing(what, "apt-get install postgresql dovecot-imapd")
