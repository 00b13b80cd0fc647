"""Where the store lives, and opening it safely.

`open_store()` takes `--db`, then `$KEEPGOING_DB`, then `db` in the config
file, then the platform's user data folder. A path is a local SQLite file opened with stdlib sqlite3; a
URL (`postgresql://...`, `sqlite:///...`) goes through SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from keepgoing.errors import StoreError
from keepgoing.storage.schema import HEAD, REVISIONS
from keepgoing.storage.store import (
    BUSY_TIMEOUT_MS,
    SqliteStore,
    Store,
    describe_sqlite_error,
)

__all__ = ["Store", "default_path", "open_store", "resolve_location"]

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


def open_store(db: str | None = None) -> Store:
    """Open (creating or upgrading as needed) the store at `db` or the default place."""
    location = resolve_location(db)
    if is_url(location):
        from keepgoing.storage.sqlalchemy_store import open_url

        return open_url(location)
    return open_sqlite(Path(location).expanduser())


def _make_private_dir(folder: Path) -> None:
    """Create the folder (and parents) owner-only; an existing folder is left alone."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, mode=PRIVATE_DIR)
        folder.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask
    except FileExistsError:
        if not folder.is_dir():
            raise StoreError(f"{folder} is a file, not a folder.") from None
    except OSError as exc:
        raise StoreError(f"Could not create the folder {folder}: {exc.strerror}.") from None


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


def open_sqlite(path: Path) -> SqliteStore:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a keepgoing store; give a file name.")
    if not path.exists():
        _make_private_dir(path.parent)
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
        if version not in REVISIONS and version is not None:
            connection.close()
            raise StoreError(
                f"{path} was written by a newer keepgoing (schema {version}); "
                "please upgrade keepgoing to use it. Nothing was changed."
            )
        if version != HEAD:
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
