"""Deciding messages in a child process, under a hard deadline.

Understanding runs regular expressions over text a stranger wrote, and a running regular
expression cannot be interrupted from inside its own process. So each worker keeps one long-lived
child that processes one message at a time. When a message is not decided within the deadline
the worker kills the child — its open transaction dies with its connection, so nothing of the
half-made decision is kept — hands the message to AR with the reason, and starts a fresh child
for the next message. The common path costs one round trip over a pipe.

The child reads the intent model (``bot.intent_model``). Before each message the worker looks at
the model folder's version (a few ``stat`` calls); when it changed, it asks the child to load the
new model first, outside any message's deadline. The child swaps it in only once it loaded in full,
and keeps the old one if it does not.
"""

from __future__ import annotations

import enum
import logging
import multiprocessing
import signal
import time
from multiprocessing.connection import Connection

from bot import intent_model
from core import logs
from core.config import Settings

log = logging.getLogger(__name__)

# Starting a child loads the pipeline and the language model: generous, and not the deadline.
STARTUP_TIMEOUT = 120.0
#: Sent instead of a message id: load the model folder's newer model, if it has one.
RELOAD = "reload-model"
WARM_UP = (
    b"From: warm-up@ardesk.invalid\r\nTo: ar@ardesk.invalid\r\nSubject: Copy of invoice 1\r\n"
    b"Message-ID: <warm-up@ardesk.invalid>\r\n\r\nPlease send a copy of invoice 1. Thanks\r\n"
)


class Outcome(enum.StrEnum):
    decided = "decided"  # the pipeline ran and its outcome is committed
    failed = "failed"  # it raised: recorded on the message, retried once its claim runs out
    overdue = "overdue"  # past the deadline: the child was killed, the message handed to AR
    crashed = "crashed"  # the child died on its own: treated like a failure


class DecisionProcess:
    """One child process that runs ``bot.process.process`` for the ids it is sent."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.deadline = settings.message_deadline.total_seconds()
        # "spawn": a fresh interpreter shares no database connection or lock with the worker.
        self._context = multiprocessing.get_context("spawn")
        self._logs = logs.configured()  # the child writes its lines as this process does
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._model_version: intent_model.Version = ()

    def start(self) -> None:
        # Read before the child loads: a model written meanwhile is asked for before a message.
        self._model_version = intent_model.version(self.settings)
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(self.settings, child, self._logs),
            name="ardesk-decide",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        started = time.monotonic()
        try:
            ready = parent.poll(STARTUP_TIMEOUT) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise RuntimeError("the decision process did not start")
        log.info("decision process ready in %.1f s", time.monotonic() - started)

    def decide(self, message_id: int) -> Outcome:
        if self._process is None or not self._process.is_alive() or not self._follow_model():
            self.close()
            self.start()  # a fresh child loads the folder's newest model
        assert self._conn is not None
        try:
            self._conn.send(message_id)
            if self._conn.poll(self.deadline):
                return Outcome(self._conn.recv())
        except (EOFError, OSError):
            self.close()
            return Outcome.crashed
        self.close()  # kills the runaway: nothing else can stop a regex mid-match
        return Outcome.overdue

    def _follow_model(self) -> bool:
        """Have the child load a newer model before the next message (asked once per version);
        False when the child did not answer."""
        assert self._conn is not None
        seen = intent_model.version(self.settings)
        if seen == self._model_version:
            return True
        self._model_version = seen
        try:
            self._conn.send(RELOAD)
            if self._conn.poll(STARTUP_TIMEOUT):
                log.info("intent model check: %s", self._conn.recv())
                return True
        except (EOFError, OSError):
            pass
        return False

    def close(self) -> None:
        """Stop the child at once (SIGKILL); it holds nothing that needs a clean exit."""
        if self._process is not None:
            self._process.kill()
            self._process.join(timeout=10)
            self._process.close()
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None


def _serve(settings: Settings, conn: Connection, setup: logs.LogSetup | None = None) -> None:
    """The child: decide each id received until the worker closes the pipe."""
    if setup is not None:
        logs.configure(setup.format, setup.level)
    # Stopping is the worker's call: a Ctrl-C or SIGTERM sent to the whole process group must
    # not cut a decision short, only the worker's stop (which waits at most one deadline).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from bot.channels.email.parse import parse_email
    from bot.logbook import message_scope
    from bot.process import decide, process
    from core import metrics
    from core.db import Database

    metrics.configure(settings)

    db = Database.connect(settings)
    # Load what the first message would load lazily (the model, templates, a connection), so
    # that a message's deadline measures its own work, not the child's start: a dry run, which
    # stores and sends nothing.
    try:
        decide(db, settings, parse_email(WARM_UP), inbound_id=None, dry_run=True)
    except Exception:
        log.exception("warming up the decision process failed")
    conn.send("ready")
    while True:
        try:
            message_id = conn.recv()
        except (EOFError, OSError):  # the worker is gone
            break
        if message_id == RELOAD:
            conn.send(_reload(settings))
            continue
        try:
            with message_scope(db, message_id):
                decided = process(db, settings, message_id) is not None
        except Exception:  # process() records what it can; never let the child die of it
            log.exception("deciding message %s failed", message_id)
            decided = False
        conn.send((Outcome.decided if decided else Outcome.failed).value)
    db.dispose()


def _reload(settings: Settings) -> str:
    try:
        return intent_model.refresh(settings).value
    except Exception:  # no model usable at all: each message will say so and go to AR
        log.exception("loading the intent model failed")
        return intent_model.Refresh.refused.value
