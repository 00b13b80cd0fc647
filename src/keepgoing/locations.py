"""Where keepgoing keeps things: the config file, the store, and owner-only files there.

Below both settings.py and storage/: each asks here where a file is (and the
store's location may be named in the config file), so neither imports the
other. Standard library only; platformdirs is imported when a default is needed.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from keepgoing.errors import BadInput, StoreError

APP_NAME = "keepgoing"
FILE_NAME = "keepgoing.db"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def config_path() -> Path:
    explicit = os.environ.get("KEEPGOING_CONFIG")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


@cache
def config_values() -> dict[str, Any]:
    from keepgoing.bounded_input import MAX_CONFIG_BYTES, read_limited_text

    path = config_path()
    if not os.path.lexists(path):
        return {}
    # A regular file of sensible size only: KEEPGOING_CONFIG=/dev/zero must not hang every command.
    text = read_limited_text(path, limit=MAX_CONFIG_BYTES, what="config file")
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"The config file {path} is not valid TOML: {exc}.") from None


def configured_db() -> str | None:
    """The store named in the config file (after --db and $KEEPGOING_DB)."""
    value = config_values().get("db")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"The setting db in {config_path()} must be a path or database URL.")
    return value.strip()


def default_store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


def store_location(db: str | None) -> tuple[str, bool]:
    """(where the store is, whether it was named: by --db, $KEEPGOING_DB or the config file)."""
    if db or os.environ.get("KEEPGOING_DB"):
        return db or os.environ["KEEPGOING_DB"], True
    named = configured_db()
    return named or str(default_store_path()), bool(named)


def make_private_dir(folder: Path) -> None:
    """Create the folder and any missing parents owner-only (0700, whatever the umask).

    An existing folder is left alone. `mkdir(parents=True)` would give the
    parents the umask's mode (755, or 777), so each one is made here.
    """
    if folder.is_dir():
        return
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    for each in reversed(missing):
        try:
            each.mkdir(mode=PRIVATE_DIR)
            each.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask
        except FileExistsError:
            if not each.is_dir():
                raise StoreError(f"{each} is a file, not a folder.") from None
        except OSError as exc:
            raise StoreError(f"Could not create the folder {each}: {exc.strerror}.") from None


@contextlib.contextmanager
def private_replacement(path: Path, *, replace: bool = True, suffix: str = ".tmp") -> Iterator[Path]:
    """The one atomic private write: a new owner-only (0600) file beside `path`, put in its place
    only when complete.

    The block fills the temporary file it is given. When it ends without an
    error, the file is flushed to disk and renamed over `path` (`replace`), or
    linked in only if nothing is at `path` yet (else FileExistsError: whoever
    links first wins). On any error it is removed, with any files SQLite kept
    beside it, so a half-written file never takes the name. Creating it
    (O_EXCL, O_NOFOLLOW) raises OSError before the block runs.
    """
    import secrets

    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{suffix}")
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE))
    try:
        yield temp
        fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise
            except OSError:  # a filesystem without hard links
                if os.path.lexists(path):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
                os.replace(temp, path)
        with contextlib.suppress(OSError):  # the rename itself, on disk (not every system can)
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    finally:
        for leftover in (temp, *(Path(f"{temp}{s}") for s in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
