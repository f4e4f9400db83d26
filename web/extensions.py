"""Flask extensions, created unbound and bound to each app in ``create_app`` with ``init_app``, and
the app's own objects (settings, database, link signer) as the request code reaches them."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from core.config import Settings

babel = Babel()
csrf = CSRFProtect()


def app_settings() -> Settings:
    """The settings in effect: those this app was created with, and the AR console's changes
    over them (``core.setting_overrides``: read at most every ``ARDESK_SETTINGS_REFRESH``, so a
    request costs no query for them)."""
    extensions = current_app.extensions
    return extensions["ardesk.overrides"].current(extensions["ardesk.settings"])
