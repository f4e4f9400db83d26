"""Waking the workers when a request is stored, rather than at their next poll (PostgreSQL).

Chat requests are stored by other processes than the worker (the web process for Slack's
events, ``ardesk slack``, ``ardesk teams``, ``ardesk smtpd``). A worker that only polled would
leave each one waiting for up to a poll interval before anybody looked at it. So storing sends
``NOTIFY`` in the inserting transaction — PostgreSQL delivers it on commit, and only then — and
each worker ``LISTEN``s on a connection of its own. Polling stays: a lost connection costs
latency until it is back, never a message.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database

log = logging.getLogger(__name__)

CHANNEL = "ardesk_inbox"
RECONNECT_AFTER = 5.0  # seconds: the database is down or restarting; polling carries on


def notify_stored(session: Session) -> None:
    """Wake the listening workers once this session's transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


class Listener:
    """Sets ``wake`` whenever a request is stored, until stopped."""

    def __init__(self, db: Database, wake: threading.Event) -> None:
        url = db.engine.url.set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.wake = wake
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.wake.set()  # whatever was stored while nobody listened
                    while not self.stopping.is_set():
                        # Returns after a second without news, to see whether to stop.
                        for _notice in connection.notifies(timeout=1.0):
                            self.wake.set()
            except psycopg.Error as error:
                log.warning("listening for stored requests failed: %s", type(error).__name__)
                self.stopping.wait(RECONNECT_AFTER)
