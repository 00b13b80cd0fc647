"""A progress bar on stderr for long jobs, only when a person is watching."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LARGE = 5_000


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """Yields a `tick()` to call once per item; a no-op unless stderr is a terminal."""
    if total < LARGE or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        count = 0

        def tick() -> None:
            nonlocal count
            count += 1
            if count % 500 == 0:
                bar.update(task, completed=count)

        yield tick
