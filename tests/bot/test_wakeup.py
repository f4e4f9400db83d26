"""On PostgreSQL a worker is woken when another process stores a request, not at its next poll."""

from __future__ import annotations

import threading

from bot.channels.fake import FakeChannel
from bot.store import store
from bot.wakeup import Listener
from core.db import Database

# Long enough for a busy machine; a listener that never hears anything fails at it.
PATIENCE = 30


def _request(message_id: str):
    channel = FakeChannel()
    return channel.parse(channel.request(message_id, "karen.whitlock@brookfield.example", "hi"))


def test_each_request_stored_elsewhere_wakes_a_listening_worker(pg_db: Database):
    wake = threading.Event()
    listener = Listener(pg_db, wake)
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    try:
        assert wake.wait(PATIENCE), "listening: it wakes once for what came meanwhile"
        wake.clear()
        # Stored through another connection, as the web process or `ardesk teams` would.
        other = Database.connect(pg_db.settings)
        try:
            _id, created = store(other, _request("<one@example>"))
            assert created and wake.wait(PATIENCE)
            wake.clear()
            _id, created = store(other, _request("<two@example>"))
            assert created and wake.wait(PATIENCE)
        finally:
            other.dispose()
    finally:
        listener.stop()
        thread.join(PATIENCE)
    assert not thread.is_alive()
