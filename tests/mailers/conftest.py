"""Fixtures for the mailers tests: a loopback SMTP server, a brand, answers to render."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtp_server import SmtpTestServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A real SMTP server on 127.0.0.1 that captures what it receives."""
    with SmtpTestServer() as server:
        yield server
