"""The generating side of a large demo load, run as ``python -m core.demo.producer``.

It reads ``(spec, dialect, counters, chunk)`` pickled on stdin and writes the batches of
``generate`` to stdout, each as an 8-byte length and a pickle, then a zero length. The stream
only ever runs between ardesk and the child it started, so pickle is safe here.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from typing import BinaryIO

from core.demo.batch import Batch
from core.demo.generate import generate

_LENGTH = 8


def write_batches(batches: Iterator[Batch], stream: BinaryIO) -> None:
    for batch in batches:
        frame = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        stream.write(len(frame).to_bytes(_LENGTH, "big"))
        stream.write(frame)
    stream.write((0).to_bytes(_LENGTH, "big"))
    stream.flush()


def read_batches(stream: BinaryIO) -> Iterator[Batch]:
    while True:
        header = stream.read(_LENGTH)
        if len(header) < _LENGTH:
            return  # the child stopped early; its exit status says why
        length = int.from_bytes(header, "big")
        if length == 0:
            return
        yield pickle.loads(stream.read(length))  # noqa: S301 - our own child's output


def main() -> None:
    spec, dialect, counters, chunk = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - ours
    write_batches(generate(spec, dialect, counters, chunk), sys.stdout.buffer)


if __name__ == "__main__":
    main()
