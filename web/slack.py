"""``POST /slack/events``: Slack's events and the ``/invoices`` command, handed to the bolt app in
``bot.channels.slack`` (which verifies the signature, stores and acknowledges). Slack signs its
requests instead of carrying a CSRF token; without Slack configured the URL does not exist."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from slack_bolt.adapter.flask import SlackRequestHandler

from web.extensions import csrf

blueprint = Blueprint("slack", __name__)


def _handler() -> SlackRequestHandler:
    handler = current_app.extensions.get("ardesk.slack")
    if handler is None:
        from bot.channels.slack.events import slack_app

        settings = current_app.extensions["ardesk.settings"]
        if not (settings.slack_signing_secret and settings.slack_bot_token):
            abort(404)
        app = slack_app(current_app.extensions["ardesk.db"], settings)
        handler = current_app.extensions["ardesk.slack"] = SlackRequestHandler(app)
    return handler


@blueprint.post("/slack/events")
@csrf.exempt
def events():
    handler = _handler()
    # Slack's signature covers the request's timestamp, which slack_sdk reads with int(): one
    # that is not a number failed the request with a 500 instead of refusing it.
    if not request.headers.get("X-Slack-Request-Timestamp", "").strip().isdigit():
        abort(401)
    return handler.handle(request)
