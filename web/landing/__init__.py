"""Link landing: the interstitial, the button that opens a session, fresh links and ``/login``."""

from flask import Blueprint

blueprint = Blueprint("landing", __name__)

from web.landing import login, views  # noqa: E402, F401  (routes register on import)
