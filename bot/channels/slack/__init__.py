"""Slack: events and the ``/invoices`` command in (bolt, over HTTP or Socket Mode), Block Kit
replies out through the Web API (slack_sdk) from the outbox."""
