"""Writing export files safely: private, atomic, never clobbering by accident."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from keepgoing.errors import BadInput


@contextmanager
def private_output(path: Path, *, force: bool, bom: bool = False) -> Iterator[TextIO]:
    """A text file written beside `path` and renamed into place only when complete.

    Mode 0600; an existing file (or symlink) is replaced only with `force`,
    and then the link itself is replaced, never the file it points to. A
    device, a FIFO or anything else that is not a file is never replaced.
    """
    from keepgoing.storage import file_kind, private_replacement

    if path.is_dir():
        raise BadInput(f"{path} is a folder; give a file name for --output.")
    try:
        mode: int | None = os.lstat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise BadInput(f"{path} is {file_kind(mode)}, not a file; --output writes files only.")
    if mode is not None and not force:
        raise BadInput(f"{path} already exists; add --force to replace it.")
    if not path.parent.is_dir():
        raise BadInput(f"The folder {path.parent} does not exist.")
    with contextlib.ExitStack() as stack:
        try:
            temp = stack.enter_context(private_replacement(path))
            fd = os.open(temp, os.O_WRONLY | os.O_NOFOLLOW)
        except OSError as exc:
            raise BadInput(f"Cannot write to {path.parent}: {exc.strerror}.") from None
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            yield handle


# The one table from a file's extension to the format keepgoing writes into it
# (export and report); the first extension of a format is the one it is named with.
EXTENSIONS = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".ics": "ics",
    ".html": "html",
    ".htm": "html",
}


def format_of(path: Path, formats: tuple[str, ...], command: str) -> str | None:
    """The format `path`'s extension means, among the `formats` `command` writes; None with no extension.

    An extension keepgoing does not write for that command (.xlsx, .txt) is a usage error naming those it does.
    """
    from keepgoing.errors import UsageError

    if not path.suffix:
        return None
    found = EXTENSIONS.get(path.suffix.lower())
    if found in formats:
        return found
    known = [ext for ext, fmt in EXTENSIONS.items() if fmt in formats]
    raise UsageError(
        f"{command} does not write {path.suffix} files; name the file {', '.join(known[:-1])} or {known[-1]}."
    )


def extension_for(fmt: str) -> str:
    """The extension a file of this format is named with (".md" for markdown)."""
    return next(ext for ext, named in EXTENSIONS.items() if named == fmt)
