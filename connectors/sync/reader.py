"""Reading a source in a second process while the first one writes.

A big first import spends about half its time reading and converting source rows (the mapping
engine) and half writing; on a machine with two cores both can run at once. The reading process
opens its own connector, walks the record types in the sync's order and hands batches of
canonical records (or rejections) over a bounded queue, so it never runs far ahead of the writer.

The process is forked: it inherits the configuration and the connector factory, and it touches
no database connection of the parent (it only reads the source and exits without cleanup).
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gc
import io
import multiprocessing
import operator
import os
import pickle
import queue as queue_module
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from connectors.base import Connector
from connectors.config import SourceConfig
from connectors.errors import SourceConfigError, SourceError
from connectors.records import (
    AccountRecord,
    AllocationRecord,
    ContactRecord,
    InvoiceRecord,
    LineRecord,
    PaymentRecord,
    Rejection,
)

# Records travel as their fields in a tuple and are rebuilt by their constructor: pickle's default
# for slotted classes (a dict of slots, set one by one) takes twice as long both ways.
_DISPATCH = dict(copyreg.dispatch_table)
for _cls in (
    AccountRecord, ContactRecord, InvoiceRecord, LineRecord, PaymentRecord, AllocationRecord,
    Rejection,
):  # fmt: skip
    _get = operator.attrgetter(*(f.name for f in dataclasses.fields(_cls)))
    _DISPATCH[_cls] = lambda record, cls=_cls, get=_get: (cls, get(record))


def _dumps(items: list[Any]) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(items)
    return buffer.getvalue()


# Records per message: big enough that pickling dominates the queue's own overhead.
BATCH = 2000
# Batches the reader may run ahead of the writer.
AHEAD = 8
_END, _ERROR = "end", "error"


def _read(
    factory: Callable[[SourceConfig], Connector],
    config: SourceConfig,
    plan: list[tuple[str, datetime | None]],
    out: Any,
) -> None:
    # Records pile up (a flat source's lines are grouped before the first invoice): with no
    # reference cycles among them, the cyclic collector would only walk them over and over.
    gc.disable()
    try:
        with factory(config) as connector:
            for kind, since in plan:
                batch: list[Any] = []
                for item in getattr(connector, kind)(since):
                    batch.append(item)
                    if len(batch) >= BATCH:
                        out.put((kind, _dumps(batch)))
                        batch = []
                if batch:
                    out.put((kind, _dumps(batch)))
                out.put((kind, _END))
    except BaseException as exc:  # everything goes back to the writer
        out.put((_ERROR, _portable(exc)))
    finally:
        out.close()
        out.join_thread()
        # No interpreter shutdown: it would run the parent's finalisers (pooled connections).
        os._exit(0)


def _portable(exc: BaseException) -> BaseException:
    """The error as the parent can rebuild it; source errors keep their kind and retryability."""
    if isinstance(exc, SourceConfigError):
        return SourceConfigError(str(exc))
    if isinstance(exc, SourceError):
        return SourceError(str(exc), retryable=exc.retryable)
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # an unpicklable error still reaches the parent as text
        return SourceError(f"{type(exc).__name__}: {exc}", retryable=False)


class ReaderProcess:
    """Streams of one source's record types, read in a forked process, in ``plan`` order."""

    def __init__(
        self,
        factory: Callable[[SourceConfig], Connector],
        config: SourceConfig,
        plan: list[tuple[str, datetime | None]],
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._queue = context.Queue(maxsize=AHEAD)
        self._process = context.Process(
            target=_read, args=(factory, config, plan, self._queue), daemon=True
        )
        self._process.start()

    def stream(self, kind: str) -> Iterator[Any]:
        """The records of ``kind``; the kinds must be asked for in the plan's order."""
        while True:
            try:
                got, items = self._queue.get(timeout=5)
            except queue_module.Empty:
                if not self._process.is_alive():
                    raise SourceError(
                        "the source reader stopped unexpectedly", retryable=False
                    ) from None
                continue
            if got == _ERROR:
                raise items
            if got != kind:
                raise RuntimeError(f"reader sent {got} while {kind} was expected")
            if items == _END:
                return
            yield from pickle.loads(items)  # noqa: S301 - written by our own child process

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()
        with contextlib.suppress(Exception):
            self._queue.cancel_join_thread()

    def __enter__(self) -> ReaderProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
