"""Where the store lives, and opening it safely.

`open_store()` takes `--db`, then `$KEEPGOING_DB`, then `db` in the config
file, then the platform's user data folder. A path (or a `sqlite:///PATH` URL) is a local SQLite file opened with stdlib
sqlite3; a `postgresql://` URL is a team's store, opened with psycopg.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from keepgoing.errors import StoreError
from keepgoing.storage.schema import HEAD, REVISIONS
from keepgoing.storage.server_url import is_connection_string, is_postgres_url, mask_url
from keepgoing.storage.store import (
    BUSY_TIMEOUT_MS,
    SqliteStore,
    Store,
    describe_sqlite_error,
    needs_upgrade,
)

__all__ = ["Store", "check_store", "default_path", "mask_url", "on_server", "open_store", "resolve_location"]

FILE_NAME = "keepgoing.db"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("keepgoing", appauthor=False)) / FILE_NAME


def resolve_location(db: str | None = None) -> str:
    if db or os.environ.get("KEEPGOING_DB"):
        return db or os.environ["KEEPGOING_DB"]
    from keepgoing.settings import configured_db

    return configured_db() or str(default_path())


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
    return Path(location).expanduser()


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


def open_store(db: str | None = None) -> Store:
    """Open (creating or upgrading as needed) the store at `db` or the default place."""
    location = resolve_location(db)
    if not on_server(location):
        return open_sqlite(_local_path(location))
    try:
        from keepgoing.storage.postgres_store import open_postgres
    except ImportError as exc:
        raise _driver_missing(location, exc) from None
    return open_postgres(_server_url(location), mask_url(location))


def check_store(db: str | None = None) -> Any:
    """`keepgoing check`: the store's health, read-only (a `backup.Health`)."""
    location = resolve_location(db)
    if not on_server(location):
        from keepgoing.storage.backup import check

        return check(_local_path(location))
    from keepgoing.storage.migrate import check_server

    try:
        return check_server(_server_url(location), mask_url(location))
    except ImportError as exc:
        raise _driver_missing(location, exc) from None


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


def _create_sqlite(path: Path) -> None:
    """Build a complete new store beside `path`, then link it into place.

    Whoever links first wins; a store file therefore never exists half-made,
    and two processes starting on a new store at once both end up using it.
    """
    import secrets

    from keepgoing.storage.migrate import upgrade_sqlite

    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.new")
    try:
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
        upgrade_sqlite(temp)
        connection = sqlite3.connect(temp, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links
            if not path.exists():
                os.replace(temp, path)
    except OSError as exc:
        raise StoreError(f"Could not create the store {path}: {exc.strerror}.") from None
    finally:
        for leftover in (temp, *(Path(f"{temp}{s}") for s in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _keep_private(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = candidate.stat().st_mode
            if mode & 0o077:
                candidate.chmod(PRIVATE_FILE)
        except FileNotFoundError:
            continue
        except OSError:
            continue  # not ours to change (a shared, read-only copy, say)


def _schema_version(connection: sqlite3.Connection, path: Path) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise StoreError(f"{path} is a SQLite database but not a keepgoing store.") from None
        return None
    return row[0] if row else None


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
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True, isolation_level=None
        )
        version = _schema_version(connection, path)
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None
    if version != HEAD:
        connection.close()
        raise StoreError(
            f"{path} is read-only and was written by "
            + ("a newer" if version not in REVISIONS else "an older")
            + " keepgoing; copy it somewhere writable to use it."
        )
    return SqliteStore(connection, path, read_only=True)


def open_sqlite(path: Path) -> SqliteStore:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a keepgoing store; give a file name.")
    if path.is_symlink() and not path.exists():
        raise StoreError(f"{path} is a link to {os.readlink(path)}, which does not exist.")
    if path.exists() and _read_only_here(path):
        if not os.access(path, os.R_OK):
            raise StoreError(f"Cannot read {path}: permission denied.")
        return _open_read_only(path)
    if not path.exists():
        make_private_dir(path.parent)
        _create_sqlite(path)
    elif path.stat().st_size == 0:
        raise StoreError(f"{path} is an empty file, not a keepgoing store; remove it or use --db.")
    if not os.access(path, os.R_OK):
        raise StoreError(f"Cannot read {path}: permission denied.")
    _keep_private(path)
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _schema_version(connection, path)
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
            connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        # Deleted content is overwritten with zeros, so `forget` really forgets.
        connection.execute("PRAGMA secure_delete = ON")
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None
    return SqliteStore(connection, path)
