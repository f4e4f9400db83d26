"""Errors a user can act on. Their messages are safe to show: they never carry message bodies,
tokens or another account's data."""


class ArdeskError(Exception):
    """Base of the errors the command line and the web turn into a clear message."""


class NotFound(ArdeskError):
    pass


class InvalidInput(ArdeskError):
    pass


class Ambiguous(ArdeskError):
    pass
