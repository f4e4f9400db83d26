"""A progress display for long syncs: records read per type, on a terminal only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connectors.records import RECORD_TYPES
from connectors.sync.engine import Progress


@contextmanager
def terminal_progress(source: str, enabled: bool) -> Iterator[Progress | None]:
    """A rich progress display on stderr while the sync runs, or nothing when not a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:>10,} read"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks = {kind: bar.add_task(f"{source} {kind}", total=None) for kind in RECORD_TYPES}

        def update(kind: str, read: int) -> None:
            bar.update(tasks[kind], completed=read)

        yield update
