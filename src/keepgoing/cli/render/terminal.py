"""The console every screen prints to, the pager, and the literal-text cells.

Every piece of user text goes in as a `Text` made by `literal()`, which never
parses markup and shows control characters as visible escapes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import IO, Any, cast

from rich.console import Console
from rich.text import Text

from keepgoing.date_display import describe_ago
from keepgoing.text import safe


def console() -> Console:
    # Rich already leaves out colour and styles when stdout is not a terminal,
    # and honours NO_COLOR; highlighting would colour numbers in user text.
    # Off a terminal, lines carry no trailing padding (pipes, files, diffs).
    trimmed = None if sys.stdout.isatty() else cast("IO[str]", _Trimmed(sys.stdout))
    return Console(
        file=trimmed, highlight=False, emoji=False, no_color=bool(os.environ.get("NO_COLOR")) or None
    )


@contextmanager
def paged(use_pager: bool) -> Iterator[None]:
    """Show what is printed inside through a pager when it is longer than the terminal, as git does.

    The pager is $KEEPGOING_PAGER, else $PAGER, else `less -FRX`; an empty value means none.
    """
    if not use_pager:
        yield
        return
    import io

    real, captured = sys.stdout, io.StringIO()
    sys.stdout = captured
    try:
        yield
    finally:
        sys.stdout = real
    _page(captured.getvalue(), real)


def _page(text: str, real: IO[str]) -> None:
    import shutil
    import subprocess

    command = os.environ.get("KEEPGOING_PAGER", os.environ.get("PAGER", "less -FRX"))
    if text.count("\n") < shutil.get_terminal_size().lines or not command.strip():
        real.write(text)
        return
    try:
        subprocess.run(command, shell=True, input=text, text=True, check=False)
    except OSError:
        real.write(text)


class _Trimmed:
    """A stream that drops the spaces Rich pads table lines with, before each newline."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        return int(self.stream.write(trim_lines(text)))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.stream.fileno()


def trim_lines(text: str) -> str:
    """`text` without the spaces and tabs before each newline (what follows the last one stays).

    Line by line: a regular expression for "blanks before a newline" tries every blank of a
    padded line in turn, which took tens of milliseconds on a long timeline.
    """
    lines = text.split("\n")
    last = lines.pop()
    return "\n".join([*(line.rstrip(" \t") for line in lines), last])


def literal(value: str | None, style: str = "") -> Text:
    """User text as a cell: never read as markup, control characters shown as escapes."""
    return Text(safe(value or ""), style=style)


def last_contact(day: date | None, via: str | None, today: date) -> Text:
    """ "3 days ago · phone", or a dim "never"."""
    if day is None:
        return Text("never", style="dim")
    text = describe_ago((today - day).days)
    return Text(f"{text} · {via}" if via else text)
