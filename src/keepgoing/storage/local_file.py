"""A local store's file, looked at before SQLite opens it: what is at the path, whether it is
encrypted, which schema it has, and keeping it owner-only.

Shared by the opener (`keepgoing.storage`), backups, encryption and the numbers file, so it
sits below all of them and imports none; standard library only. Whether a file is encrypted
is read from its first bytes here, so a plain store never loads `encryption.py` (hashlib,
json, the keyring).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from keepgoing.errors import StoreError
from keepgoing.locations import PRIVATE_FILE
from keepgoing.storage.revisions import REVISIONS
from keepgoing.storage.store import OWN_TABLES_SQL, another_application

PLAIN_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16  # SQLCipher's random salt: an encrypted file's first bytes
PAGE = 4096  # SQLCipher 4's page size: an encrypted file is a whole number of pages

# A handle on each store file this process has looked at, by (device, inode), kept open.
# Closing any handle to a file drops every lock this process holds on it, an open SQLite
# connection's included (POSIX locks are per process): looking with open-and-close let two
# processes write at once and lose conversations. A handle kept open also keeps its inode
# from being reused by another file while this process runs.
_HANDLES: dict[tuple[int, int], int] = {}


def _first_bytes(path: Path | str, count: int) -> tuple[bytes, int]:
    """The file's first `count` bytes and its size, through the handle this process keeps on it."""
    info = os.stat(path)
    key = (info.st_dev, info.st_ino)
    fd = _HANDLES.get(key)
    if fd is None:
        if len(_HANDLES) > 200:  # a long test run: let go of files since deleted
            for old, handle in list(_HANDLES.items()):
                if os.fstat(handle).st_nlink == 0:
                    os.close(handle)
                    del _HANDLES[old]
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        _HANDLES[key] = fd
    return os.pread(fd, count, 0), os.fstat(fd).st_size


def is_encrypted(path: Path | str) -> bool:
    """Whether the file is an encrypted store: whole pages that do not start with SQLite's header."""
    try:
        head, size = _first_bytes(path, len(PLAIN_HEADER))
    except OSError:
        return False
    return size >= PAGE and size % PAGE == 0 and head != PLAIN_HEADER


def salt_of(path: Path | str) -> bytes:
    return _first_bytes(path, SALT_BYTES)[0]


def db_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """Every database error class a local store can raise (stdlib sqlite3's and SQLCipher's), and `also`.

    Meant for `except db_errors():`, evaluated only when something went wrong.
    """
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return (sqlite3.Error, *also)
    return (sqlite3.Error, dbapi2.Error, *also)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (a named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a link"
    return "not a regular file"


def no_store(path: Path | str) -> StoreError:
    return StoreError(
        f"There is no keepgoing store at {path}. Check the name; "
        "a command that saves something (keepgoing add, log, import, restore) starts one there."
    )


def require_store_file(path: Path) -> None:
    """Look at what is at `path` (and beside it) before SQLite opens it or anything changes it.

    Only a regular file is handed to SQLite (which then says whether it is a
    database): a device, a FIFO (which would block a reader forever) or a
    file the system gives no size (/proc) is refused here, without waiting,
    and so is a link or anything but a plain file where SQLite keeps its
    `-wal` and `-shm` files (SQLite would write the notes through it).

    The store file is opened here only when it has no size: closing a file
    drops every lock this process holds on it, including an open store's.
    """
    if path.is_symlink() and not path.exists():
        raise StoreError(f"{path} is a link to {os.readlink(path)}, which does not exist.")

    def regular(mode: int) -> None:
        if stat.S_ISDIR(mode):
            raise StoreError(f"{path} is a folder, not a keepgoing store; give a file name.")
        if not stat.S_ISREG(mode):
            raise StoreError(f"{path} is {file_kind(mode)}, not a keepgoing store; give a store file.")

    try:
        info = path.stat()
        regular(info.st_mode)  # before opening: opening a device can do something
        if not os.access(path, os.R_OK):
            raise PermissionError
        if info.st_size == 0:  # empty, or a file with no size (/proc/self/status): look
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
            try:
                regular(os.fstat(fd).st_mode)  # what was opened, should it have changed since
                if os.read(fd, 1):
                    raise StoreError(f"{path} is not a keepgoing store (it is not a SQLite database).")
            finally:
                os.close(fd)
            raise StoreError(f"{path} is an empty file, not a keepgoing store; remove it or use --db.")
    except PermissionError:
        raise StoreError(f"Cannot read {path}: permission denied.") from None
    except OSError as exc:
        raise StoreError(f"Could not open {path}: {exc.strerror}.") from None
    _require_plain_companions(path)


def _require_plain_companions(path: Path) -> None:
    """Nothing but a plain file (or nothing) where SQLite keeps its `-wal` and `-shm` files."""
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = os.lstat(companion).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StoreError(f"Could not open {companion}: {exc.strerror}.") from None
        if not stat.S_ISREG(mode):
            raise StoreError(
                f"{companion} is {file_kind(mode)}, not SQLite's own file beside the store; "
                f"remove it to use {path}."
            )


def keep_private(path: Path) -> None:
    """Make the store's files owner-only, never through a link: a link's target
    (/etc/passwd, say) is never touched.

    `follow_symlinks=False` changes the file only if it is not a link, in one
    step (and opens nothing that would drop this process's locks on the store).
    """
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = os.lstat(candidate)
            if not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o077:
                continue
            try:
                os.chmod(candidate, PRIVATE_FILE, follow_symlinks=False)
            except NotImplementedError:  # a system that cannot; lstat has just said it is no link
                os.chmod(candidate, PRIVATE_FILE)
        except OSError:
            continue  # not there, or not ours to change (a shared, read-only copy, say)


def schema_version(connection: sqlite3.Connection, path: Path) -> str | None:
    """The store's schema revision; None for an empty database. Another application's is refused."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:  # stdlib sqlite3's error, or SQLCipher's for an encrypted store
        if not isinstance(exc, db_errors()) or "no such table" not in str(exc):
            raise
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise StoreError(f"{path} is a SQLite database but not a keepgoing store.") from None
        return None
    version = row[0] if row else None
    if (
        version is not None
        and version not in REVISIONS
        and not connection.execute(OWN_TABLES_SQL).fetchone()[0]
    ):
        raise StoreError(f"{path} is {another_application(version)}. Nothing was changed.")
    return version
