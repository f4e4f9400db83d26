"""The Flask app: link landing, customer portal, AR console, PDF rendering, chat endpoints."""

from __future__ import annotations

import gc
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from core.config import Settings, load_settings
from core.db import Database
from core.links import LinkSigner
from core.setting_overrides import Overrides
from web.planning import plan_with_values
from web.routing import ArdeskFlask
from web.row_ids import RowIdConverter
from web.sessions import ChangedOnlySessionInterface

# Uploads are only ever PDFs to verify; anything bigger is refused before it is read.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    """The app factory (gunicorn: ``web:create_app()``); nothing is created at import time."""
    serving = settings is None  # gunicorn's call: the one app of a server process
    settings = settings or load_settings()
    if settings.is_production:
        # A brand file that does not load stops the start, not every page later.
        from mailers.brand import load_brand

        load_brand(settings)
    from core.documents.pdf import TEMPLATES as PDF_TEMPLATES

    app = ArdeskFlask(__name__)
    # Every <int:…> in a route is a row id: one past what a BIGINT holds is no row, so it
    # answers 404 like any other id that does not exist (the databases refused it with a 500).
    app.url_map.converters["int"] = RowIdConverter
    # The PDFs' templates live in core (the bot renders them too); the portal's statements
    # page includes their statement body and its pages the kind labels.
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(Path(__file__).parent / "templates"), FileSystemLoader(PDF_TEMPLATES)]
    )
    development = settings.env == "development"
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Cookies signed with an earlier key still open (key rotation); new ones use the new key.
        SECRET_KEY_FALLBACKS=list(settings.secret_key_fallbacks),
        SESSION_COOKIE_NAME="ardesk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=not development,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie lasts as long as the browser; the session itself ends on the server
        # (idle time, link expiry, sign-out, revocation: ``web.visitor``).
        SESSION_REFRESH_EACH_REQUEST=False,
        # The form plus a little room for the multipart envelope.
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (idle-limited) session
        WTF_CSRF_SSL_STRICT=not development,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="UTC",
        BABEL_TRANSLATION_DIRECTORIES="translations",
    )
    app.session_interface = ChangedOnlySessionInterface()
    database = Database.connect(settings)
    plan_with_values(database.portal_engine, settings.database_transaction_pooling)
    app.extensions["ardesk.settings"] = settings
    app.extensions["ardesk.overrides"] = Overrides(
        database.portal_engine, settings.settings_refresh
    )
    app.extensions["ardesk.db"] = database
    app.extensions["ardesk.signer"] = LinkSigner(*settings.verifying_keys)

    from web import (
        csrf_tokens,
        errors,
        fragments,
        i18n,
        metrics,
        prefetch,
        request_ids,
        security,
        urls,
        visitor,
    )
    from web.console import blueprint as console
    from web.documents import blueprint as documents
    from web.extensions import babel, csrf
    from web.health import blueprint as health
    from web.landing import blueprint as landing
    from web.portal import blueprint as portal
    from web.slack import blueprint as slack
    from web.verify import blueprint as verify

    request_ids.init_app(app)  # first: every other hook's log lines carry the id
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    urls.init_app(app)
    fragments.init_app(app)
    security.init_app(app, hsts=not development, proxy_hops=settings.proxy_hops)
    errors.init_app(app)
    metrics.init_app(app, settings, database)
    prefetch.init_app(app)
    app.teardown_request(visitor.close_scope)
    for blueprint in (health, landing, portal, documents, verify, slack, console):
        app.register_blueprint(blueprint)

    @app.context_processor
    def brand_context() -> dict[str, str]:
        from web.documents.render import brand

        return {"brand_name": brand().name, "base_url": settings.base_url}

    if serving:
        _settle_garbage_collector()
    return app


def _settle_garbage_collector() -> None:
    """Exempt what starting the app made (modules, the ORM's metadata, compiled statements:
    some 250,000 objects that live as long as the process) from Python's cycle collector. Each
    full collection otherwise walked them all to free nothing: 150 ms on the machine of
    ``docs/benchmarks.md``, a request held that long whenever one fell due. Objects made later
    are collected as before. Only for a server process's one app: a caller that passes its
    settings (tests, tools) may make many apps, and would keep every one."""
    gc.collect()
    gc.freeze()
