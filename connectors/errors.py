"""Errors of sources and their configuration. Messages are one line a user can act on: they name
the source, the file or the HTTP status, never a response body or a secret."""

from __future__ import annotations

from core.errors import ArdeskError


class SourceConfigError(ArdeskError):
    """The sources file or a mapping is wrong: fix the file, retrying will not help."""


class SourceError(ArdeskError):
    """The source failed (network, authentication, server error): the sync retries, then stops
    and leaves ardesk's data as it was."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class FieldError(ValueError):
    """One field of one row cannot be turned into its canonical value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
