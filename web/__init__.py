"""The Flask app: link landing, customer portal, AR console, PDF rendering, chat endpoints."""

from __future__ import annotations

from flask import Flask

from core.config import Settings, load_settings
from core.db import Database


def create_app(settings: Settings | None = None) -> Flask:
    """The app factory (gunicorn: ``web:create_app()``); nothing is created at import time."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, ARDESK_SETTINGS=settings)
    app.extensions["ardesk.db"] = Database.connect(settings)

    @app.get("/healthz")
    def healthz() -> tuple[str, int, dict[str, str]]:
        return "ok\n", 200, {"Content-Type": "text/plain"}

    return app
