"""Reading files people hand us, within bounds: no file can hang keepgoing or exhaust memory.

Only regular files are read (a FIFO, a device such as /dev/zero or a socket
would hang or never end), their size is capped, and the stream a parser
reads from refuses a line longer than a cap, so that no single value can
grow without limit in memory.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

from keepgoing.errors import BadInput

MAX_IMPORT_BYTES = 2 * 1024**3
# A JSON export writes one item a line; a line this long is not a keepgoing export.
MAX_JSON_LINE = 16 * 1024**2
# A CSV row or vCard line: far beyond any real address book.
MAX_TEXT_LINE = 1024**2
# A real address book of 10,000 cards is ~5 MB (with photos, more).
MAX_VCARD_BYTES = 32 * 1024**2
# vCards are parsed one card at a time, photos, logos, sounds and keys left out:
# what is left of a real card is a few KB.
MAX_VCARD_CARD = 1024**2
MAX_CONFIG_BYTES = 1024**2
# JSON nesting: a keepgoing export is 4 levels deep; hand-edited files get room to spare.
MAX_DEPTH = 32


def open_regular(path: Path, *, limit: int = MAX_IMPORT_BYTES, what: str = "file") -> BinaryIO:
    """`path` opened for reading, if it is a regular file no larger than `limit`.

    Opened without blocking, so a FIFO cannot hang the open itself, then
    checked through the open descriptor (no race with a swapped path).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BadInput(f"There is no {what} {path}.") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, not a {what}.") from None
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise BadInput(f"{path} is a folder, not a {what}.")
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(
                f"{path} is not a regular file (a device, pipe or socket); keepgoing reads files only."
            )
        if info.st_size > limit:
            raise BadInput(
                f"{path} is {_size(info.st_size)}, more than the {_size(limit)} keepgoing reads at once."
            )
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return LineLimited(handle, limit=limit, name=str(path))  # type: ignore[return-value]


def _size(count: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= size:
            return f"{count / size:.0f} {unit}"
    return f"{count} bytes"


class LineLimited(io.RawIOBase):
    """A binary stream that stops with a clear error at an over-long line or past `limit` bytes.

    The check is a few C-level calls per chunk read, so a 1 GB import pays
    nothing noticeable for it.
    """

    def __init__(self, raw: BinaryIO, *, limit: int, name: str, max_line: int = MAX_JSON_LINE):
        self.raw = raw
        self.limit = limit
        self.name = name
        self.max_line = max_line
        self.read_so_far = 0
        self.line = 0  # bytes since the last newline
        self.lines = 1

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self.raw.seek(offset, whence)
        self.read_so_far, self.line, self.lines = position, 0, 1
        return position

    def tell(self) -> int:
        return self.raw.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.raw.read(len(buffer))
        count = len(chunk)
        buffer[:count] = chunk
        self._account(chunk)
        return count

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 64 * 1024
        chunk = self.raw.read(size)
        self._account(chunk)
        return chunk

    def _account(self, chunk: bytes) -> None:
        self.read_so_far += len(chunk)
        if self.read_so_far > self.limit:
            raise BadInput(
                f"{self.name} grew past {_size(self.limit)} while being read; nothing was imported."
            )
        last = chunk.rfind(b"\n")
        if last < 0:
            self.line += len(chunk)
        else:
            self.lines += chunk.count(b"\n")
            self.line = len(chunk) - last - 1
        if self.line > self.max_line:
            raise BadInput(
                f"{self.name}, line {self.lines}: a line longer than {_size(self.max_line)}; "
                "this is not a file keepgoing wrote, or it is damaged."
            )

    def close(self) -> None:
        self.raw.close()
        super().close()


def read_limited_text(path: Path, *, limit: int, what: str = "file", max_line: int = MAX_TEXT_LINE) -> str:
    """A small text file whole (vCards, config), as UTF-8, within `limit` bytes and line caps."""
    pieces = []
    with open_regular(path, limit=limit, what=what) as handle:
        handle.max_line = max_line  # type: ignore[attr-defined]
        while chunk := handle.read(64 * 1024):
            pieces.append(chunk)
    data = b"".join(pieces)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
        ) from None
