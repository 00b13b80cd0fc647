"""Where the store lives, and opening it safely.

`open_store()` takes `--db`, then `$KEEPGOING_DB`, then `db` in the config
file, then the platform's user data folder (`keepgoing.locations`). A path (or a `sqlite:///PATH` URL) is a local SQLite file opened with stdlib
sqlite3; a `postgresql://` URL is a team's store, opened with psycopg.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from keepgoing.errors import StoreError
from keepgoing.locations import PRIVATE_FILE, make_private_dir, private_replacement, store_location
from keepgoing.storage.revisions import HEAD, REVISIONS
from keepgoing.storage.server_url import is_connection_string, is_postgres_url, mask_url
from keepgoing.storage.store import (
    BUSY_TIMEOUT_MS,
    OWN_TABLES_SQL,
    SqliteStore,
    Store,
    another_application,
    describe_sqlite_error,
    needs_upgrade,
    read_only_address,
)

__all__ = [
    "Store",
    "check_store",
    "make_private_dir",  # defined in keepgoing.locations, beside settings' own files
    "mask_url",
    "on_server",
    "open_store",
    "private_replacement",
    "resolve_location",
]


def resolve_location(db: str | None = None) -> str:
    return store_location(db)[0]


def is_url(location: str) -> bool:
    return "://" in location


def _sqlite_path(location: str) -> str | None:
    """The file a `sqlite:///` URL names (it goes through the same local store as a path)."""
    for prefix in ("sqlite+pysqlite:///", "sqlite:///"):
        if location.startswith(prefix):
            rest = location[len(prefix) :]
            if not rest or "?" in rest or rest == ":memory:":
                raise StoreError(
                    "keepgoing keeps its store in a file: give sqlite:///PATH with no options, or a plain path."
                )
            return rest
    return None


def _local_path(location: str) -> Path:
    """The store file a path or `sqlite:///` URL names."""
    local = _sqlite_path(location)
    if local is not None:
        location = local
    if location.startswith("file:") or "?" in location or "#" in location:
        # SQLite URI forms (file:...?mode=memory) would quietly open something other than a file.
        raise StoreError(
            f"{location} is not a plain file path; keepgoing keeps its store in a file "
            "(no file: URIs, ? or # in the name)."
        )
    path = Path(location).expanduser()
    if ".." in path.parts:
        # SQLite reads `..` itself and cannot open a path that climbs above `/`
        # (`/../x.db`), which the system takes as `/x.db`: give it the folder as the system sees it.
        path = Path(os.path.realpath(path.parent)) / path.name
    return path


def store_file(db: str | None = None) -> Path | None:
    """The local store file that `db` (or the default) names, as it is opened; None on a server."""
    location = resolve_location(db)
    return None if on_server(location) else _local_path(location)


def on_server(location: str) -> bool:
    """Whether the store is on a database server: a URL but `sqlite:///`, or a libpq
    connection string (`host=... dbname=...`, never taken for a file name)."""
    return (is_url(location) and _sqlite_path(location) is None) or is_connection_string(location)


def _server_url(location: str) -> str:
    if not (is_postgres_url(location) or is_connection_string(location)):
        raise StoreError(
            f"Cannot use the database URL {mask_url(location)}: a team store is on PostgreSQL "
            "(postgresql://user@host/database); a local one is a file path."
        )
    return location


def _driver_missing(location: str, exc: ImportError) -> StoreError:
    return StoreError(
        f"The database driver for {mask_url(location)} is not installed ({exc.name}); "
        "install it with: pip install 'keepgoing[postgres]'."
    )


def open_store(db: str | None = None, *, create: bool = True, upgrade_team: bool = False) -> Store:
    """Open (creating or upgrading as needed) the store at `db` or the default place.

    With `create=False` (a command that only reads, or a dry run), a store file
    named by --db, $KEEPGOING_DB or the config file that does not exist is an
    error rather than a new, empty store; the default store is made on first use.
    """
    location, named = store_location(db)
    if not on_server(location):
        return open_sqlite(_local_path(location), create=create or not named)
    try:
        from keepgoing.storage.postgres_store import open_postgres
    except ImportError as exc:
        raise _driver_missing(location, exc) from None
    return open_postgres(_server_url(location), mask_url(location), upgrade_team=upgrade_team)


def check_store(db: str | None = None) -> Any:
    """`keepgoing check`: the store's health, read-only (a `backup.Health`)."""
    location = resolve_location(db)
    if not on_server(location):
        from keepgoing.storage.backup import check

        path = _local_path(location)
        if not os.path.lexists(path):
            raise no_store(path)
        return check(path)
    from keepgoing.storage.migrate import check_server

    try:
        return check_server(_server_url(location), mask_url(location))
    except ImportError as exc:
        raise _driver_missing(location, exc) from None


def _create_sqlite(path: Path) -> None:
    """Build a complete new store beside `path`, then link it into place.

    Whoever links first wins; a store file therefore never exists half-made,
    and two processes starting on a new store at once both end up using it.
    """
    from keepgoing.storage.migrate import upgrade_sqlite

    try:
        with private_replacement(path, replace=False, suffix=".new") as temp:
            upgrade_sqlite(temp)
            connection = sqlite3.connect(temp, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.close()
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"Could not create the store {path}: {exc.strerror}.") from None
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None


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


def _keep_private(path: Path) -> None:
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


def _schema_version(connection: sqlite3.Connection, path: Path) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:  # stdlib sqlite3's error, or SQLCipher's for an encrypted store
        from keepgoing.storage.encryption import db_errors

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


def _read_only_here(path: Path) -> bool:
    """Whether the store's file or folder cannot be written (read-only media, a shared copy)."""
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return True
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _open_read_only(path: Path) -> SqliteStore:
    """A store on read-only media: readable as it is; any write is refused as read-only.

    `immutable` tells SQLite nothing can change the file, so it needs no
    lock or shared-memory file beside it (which it could not create).
    """
    try:
        connection = sqlite3.connect(read_only_address(path, immutable=True), uri=True, isolation_level=None)
        version = _schema_version(connection, path)
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None
    if version is None:
        connection.close()
        raise StoreError(f"{path} is read-only and is not a keepgoing store.")
    if version != HEAD:
        connection.close()
        raise StoreError(
            f"{path} is read-only and was written by "
            + ("a newer" if version not in REVISIONS else "an older")
            + " keepgoing; copy it somewhere writable to use it."
        )
    return SqliteStore(connection, path, read_only=True)


def _connect(path: Path, *, exclusive: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if exclusive:
        # Set before the first read, this keeps the write-ahead log's index in memory
        # rather than in the -shm file beside the store, which a full disk cannot hold.
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    return connection


def _first_read(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """A connection and the store's schema version; on a disk that cannot take the
    -shm file (full), the same read without it, so reading never needs free space."""
    for exclusive in (False, True):
        connection = _connect(path, exclusive=exclusive)
        try:
            return connection, _schema_version(connection, path)
        except (sqlite3.Error, StoreError) as exc:
            connection.close()
            if exclusive or "disk I/O" not in str(exc):
                raise
    raise AssertionError("unreachable")


def no_store(path: Path | str) -> StoreError:
    return StoreError(
        f"There is no keepgoing store at {path}. Check the name; "
        "a command that saves something (keepgoing add, log, import, restore) starts one there."
    )


def open_sqlite(path: Path, *, create: bool = True) -> SqliteStore:
    if not os.path.lexists(path):
        if not create:
            raise no_store(path)
        make_private_dir(path.parent)
        _create_sqlite(path)
    require_store_file(path)
    from keepgoing.storage.encryption import is_encrypted

    if is_encrypted(path):
        from keepgoing.storage.encryption import open_encrypted

        store: SqliteStore = open_encrypted(path)
        return store
    if _read_only_here(path):
        return _open_read_only(path)
    try:
        connection, version = _first_read(path)
        try:
            upgrade = needs_upgrade(str(path), version)
        except StoreError:
            connection.close()
            raise
        if upgrade:
            connection.close()
            if version is not None:
                # An existing store is about to change shape: keep a copy first.
                from keepgoing.storage.backup import backup

                backup(path, label=f"-before-{HEAD}")
            from keepgoing.storage.migrate import upgrade_sqlite

            upgrade_sqlite(path)
            connection = _connect(path)
        _keep_private(path)  # only now that it is known to be a keepgoing store
        connection.execute("PRAGMA foreign_keys = ON")
        # Deleted content is overwritten with zeros, so `forget` really forgets.
        connection.execute("PRAGMA secure_delete = ON")
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None
    return SqliteStore(connection, path)
