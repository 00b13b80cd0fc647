"""Where the store lives, and opening it safely.

`open_store()` takes `--db`, then `$KEEPGOING_DB`, then `db` in the config
file, then the platform's user data folder (`keepgoing.locations`). A path (or a `sqlite:///PATH` URL) is a local SQLite file opened with stdlib
sqlite3; a `postgresql://` URL is a team's store, opened with psycopg.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from keepgoing.errors import StoreError
from keepgoing.locations import make_private_dir, private_replacement, store_location
from keepgoing.storage.local_file import (
    db_errors,
    file_kind,
    is_encrypted,
    keep_private,
    no_store,
    require_store_file,
    schema_version,
)
from keepgoing.storage.revisions import HEAD, REVISIONS
from keepgoing.storage.server_url import is_connection_string, is_postgres_url, mask_url
from keepgoing.storage.store import (
    BUSY_TIMEOUT_MS,
    SqliteStore,
    Store,
    describe_sqlite_error,
    needs_upgrade,
    read_only_address,
)

__all__ = [
    "Store",
    "check_store",
    "file_kind",  # defined in keepgoing.storage.local_file, with the other looks at a store's file
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
        version = schema_version(connection, path)
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
            return connection, schema_version(connection, path)
        except (sqlite3.Error, StoreError) as exc:
            connection.close()
            if exclusive or "disk I/O" not in str(exc):
                raise
    raise AssertionError("unreachable")


def open_sqlite(path: Path, *, create: bool = True) -> SqliteStore:
    if not os.path.lexists(path):
        if not create:
            raise no_store(path)
        make_private_dir(path.parent)
        _create_sqlite(path)
    require_store_file(path)
    if is_encrypted(path):
        return _open_encrypted(path)
    if _read_only_here(path):
        return _open_read_only(path)
    try:
        connection, version = _first_read(path)
        connection = _upgraded(path, connection, version, reconnect=lambda: _connect(path))
        _finish_opening(path, connection)
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None
    return SqliteStore(connection, path)


def _open_encrypted(path: Path) -> SqliteStore:
    """The everyday store on an encrypted file (a `SqliteStore` through SQLCipher), upgraded if need be."""
    from keepgoing.storage import encryption

    dbapi2 = encryption.driver()

    def connection_to_it() -> Any:
        return encryption.connect_store(path, timeout=BUSY_TIMEOUT_MS / 1000)

    try:
        connection = connection_to_it()
        try:
            version = schema_version(connection, path)
            if version is None:
                raise StoreError(f"{path} is an encrypted database but not a keepgoing store.")
        except BaseException:
            connection.close()
            raise
        connection = _upgraded(
            path, connection, version, reconnect=connection_to_it, creator=connection_to_it
        )
        encryption.tune(connection)
        _finish_opening(path, connection)
    except db_errors() as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None  # type: ignore[arg-type]
    return SqliteStore(connection, path, driver=dbapi2)


def _upgraded(
    path: Path, connection: Any, version: str | None, *, reconnect: Callable[[], Any], creator: Any = None
) -> Any:
    """`connection`, or, when the store's schema is older, a new one from `reconnect` once it is
    upgraded (`creator`: SQLCipher's connections for an encrypted store)."""
    try:
        upgrade = needs_upgrade(str(path), version)
    except StoreError:
        connection.close()
        raise
    if not upgrade:
        return connection
    connection.close()
    if version is not None:
        # An existing store is about to change shape: keep a copy first (encrypted like the store).
        from keepgoing.storage.backup import backup

        backup(path, label=f"-before-{HEAD}")
    from keepgoing.storage.migrate import upgrade_sqlite

    upgrade_sqlite(path, creator=creator)
    return reconnect()


def _finish_opening(path: Path, connection: Any) -> None:
    """What every local store's connection is set up with, once it is known to be a keepgoing store."""
    keep_private(path)
    connection.execute("PRAGMA foreign_keys = ON")
    # Deleted content is overwritten with zeros, so `forget` really forgets.
    connection.execute("PRAGMA secure_delete = ON")
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        connection.execute("PRAGMA journal_mode = WAL")
