"""Backups, restores and health checks of a local store, through SQLite itself.

Copies are made with SQLite's online backup API, never by copying the file,
so a backup taken while another window is writing is still consistent.
Standard library only: these run before any migration, when SQLAlchemy may
not be wanted yet.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from keepgoing import clock, messages
from keepgoing.errors import BadInput, StoreError
from keepgoing.storage.local_file import db_errors, is_encrypted, require_store_file
from keepgoing.storage.revisions import REVISIONS
from keepgoing.storage.store import OWN_TABLES_SQL, another_application, read_only_address

DEFAULT_KEEP = 10


def backups_folder(store_path: Path) -> Path:
    return store_path.parent / "backups"


def _open(path: Path) -> sqlite3.Connection:
    """The file at `path` read-only: SQLCipher with its key if it is encrypted, else stdlib sqlite3."""
    if is_encrypted(path):
        from keepgoing.storage.encryption import open_file

        connection: sqlite3.Connection = open_file(path)
        return connection
    return sqlite3.connect(read_only_address(path), uri=True)


def _new_copy(source_path: Path, target: Path) -> sqlite3.Connection:
    """A connection to the new file `target`, encrypted under the source's key if the source is."""
    if is_encrypted(source_path):
        from keepgoing.storage.encryption import connect_like

        connection: sqlite3.Connection = connect_like(source_path, target)
        return connection
    return sqlite3.connect(target)


def _copy(source_path: Path, target: sqlite3.Connection, journal_mode: str) -> None:
    """SQLite's online backup of the file at `source_path` (opened read-only) into `target`."""
    source = _open(source_path)
    try:
        source.backup(target)
        target.execute(f"PRAGMA journal_mode = {journal_mode}")
    finally:
        target.close()
        source.close()


def _copy_to_new_file(
    source_path: Path, dest: Path, suffix: str, journal_mode: str, *, taken: str, failed: str
) -> None:
    """A whole copy of `source_path`, made aside (a private file ending `suffix`), linked to `dest` when complete.

    Never over a file: one that takes the name meanwhile is BadInput(`taken`); a failed copy is
    StoreError(`failed` with the error in its {}), and leaves nothing behind.
    """
    from keepgoing.locations import private_replacement

    try:
        with private_replacement(dest, replace=False, suffix=suffix) as temp:
            _copy(source_path, _new_copy(source_path, temp), journal_mode)
    except FileExistsError:
        raise BadInput(taken) from None
    except db_errors(OSError) as exc:
        raise StoreError(failed.format(exc)) from None


def backup_to(store_path: Path, dest: Path) -> Path:
    """A consistent, private copy of the store at `dest` (which must not exist).

    Written under a temporary name and renamed when complete, so a crash
    part-way never leaves a backup that looks whole but is not.
    """
    if dest.is_dir():
        dest = dest / f"{store_path.stem}-{clock.now().astimezone():%Y%m%d-%H%M%S}.db"
    if os.path.lexists(dest):
        raise BadInput(f"{dest} already exists; choose another name.")
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A backup is one self-contained file, encrypted under the store's key if the store is.
    _copy_to_new_file(
        store_path,
        dest,
        ".partial",
        "DELETE",
        taken=f"{dest} already exists; choose another name.",
        failed="The backup failed ({}); nothing was kept.",
    )
    return dest


def backup(store_path: Path, dest: Path | None = None, *, keep: int = DEFAULT_KEEP, label: str = "") -> Path:
    """Back up into `dest`, or into the backups folder keeping the newest `keep`."""
    if dest is not None:
        return backup_to(store_path, dest)
    folder = backups_folder(store_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    for leftover in stale_partials(folder):
        leftover.unlink(missing_ok=True)
    stamp = clock.now().astimezone().strftime("%Y%m%d-%H%M%S-%f")
    made = backup_to(store_path, folder / f"{store_path.stem}-{stamp}{label}.db")
    prune(folder, store_path.stem, keep)
    return made


# A backup still being written is younger than this; an older partial was left by a killed run.
PARTIAL_GRACE_SECONDS = 60


def stale_partials(folder: Path) -> list[Path]:
    """Half-written backups left by a run that was killed: full copies of the notes nobody uses."""
    import time

    if not folder.is_dir():
        return []
    cutoff = time.time() - PARTIAL_GRACE_SECONDS
    return sorted(p for p in folder.glob(".*.partial") if p.is_file() and p.stat().st_mtime < cutoff)


def prune(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of this store."""
    copies = sorted(folder.glob(f"{stem}-*.db"), key=lambda p: p.name, reverse=True)
    removed = copies[keep:]
    for old in removed:
        old.unlink(missing_ok=True)
    return removed


@dataclass
class Health:
    """What checking a store file found: its schema version and any problems."""

    path: str
    schema: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "ok": self.ok, "schema": self.schema, "problems": self.problems}


def check(path: Path) -> Health:
    """integrity_check, foreign_key_check and the schema version, read-only."""
    health = Health(str(path))
    if not path.is_file():
        health.problems.append("there is no store file here" if not path.exists() else "this is not a file")
        return health
    if path.stat().st_size == 0:
        health.problems.append("the file is empty")
        return health
    try:
        conn = _open(path)
        try:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                health.problems.extend(f"integrity: {line}" for line in integrity[:20])
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
                health.problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
            try:
                health.schema = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            except db_errors():
                health.problems.append("no schema version: not a keepgoing store")
            ours = bool(conn.execute(OWN_TABLES_SQL).fetchone()[0])
        finally:
            conn.close()
    except db_errors() as exc:
        health.problems.append(f"SQLite cannot read it: {exc}")
        return health
    if health.schema is not None and health.schema not in REVISIONS:
        health.problems.append(
            f"schema {health.schema} is from a newer keepgoing"
            if ours
            else f"it is {another_application(health.schema)}"
        )
    if health.ok:
        health.problems.extend(unreadable_dates(path))
    for leftover in stale_partials(backups_folder(path)):
        health.problems.append(
            f"a half-written backup from an interrupted run, {leftover} ({leftover.stat().st_size // 1024} KB), "
            "still holds a copy of the notes: the next backup removes it, or delete it"
        )
    return health


def unreadable_dates(path: Path, *, limit: int = 50) -> list[str]:
    """Every stored date or time keepgoing cannot read back, by table, row and column.

    A store written by an older keepgoing may hold one (a year 1 from an
    import, say); the reading commands show it as the earliest day they
    keep, and this says which row to put right.
    """
    from keepgoing.storage.date_encoding import read_date, read_datetime

    problems: list[str] = []
    conn = _open(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table.startswith(("search_text", "search_more", "sqlite_", "alembic")):
                continue
            columns = [(r[1], r[2].upper()) for r in conn.execute(f'PRAGMA table_info("{table}")')]
            dated = [(name, kind) for name, kind in columns if kind in ("DATETIME", "DATE")]
            key = "id" if any(name == "id" for name, _ in columns) else "rowid"
            for name, kind in dated:
                reader = read_datetime if kind == "DATETIME" else read_date
                for rowid, value in conn.execute(
                    f'SELECT {key}, "{name}" FROM "{table}" WHERE "{name}" IS NOT NULL'
                ):
                    try:
                        reader(value)
                    except ValueError:
                        shown = repr(value)[:40]
                        problems.append(f"{table} {rowid}: {name} {shown} is not a date keepgoing can read")
                        if len(problems) >= limit:
                            return problems
    finally:
        conn.close()
    return problems


def restore(backup_file: Path, store_path: Path, *, keep: int = DEFAULT_KEEP) -> Path | None:
    """Replace the store's contents with a checked backup; the current store is backed up first."""
    health = check(backup_file)
    if not health.ok:
        raise BadInput(f"{backup_file} cannot be restored: {health.problems[0]}.")
    from keepgoing.locations import make_private_dir
    from keepgoing.storage.encryption import connect

    if os.path.lexists(store_path):
        require_store_file(store_path)  # never a FIFO, a device or a link to nowhere
        if is_encrypted(backup_file) != is_encrypted(store_path):
            raise BadInput(
                (
                    messages.RESTORE_ENCRYPTED_INTO_PLAIN
                    if is_encrypted(backup_file)
                    else messages.RESTORE_PLAIN_INTO_ENCRYPTED
                ).format(backup=backup_file, store=store_path)
            )
    else:
        # A new store: the whole copy is made aside and linked into place when complete.
        make_private_dir(store_path.parent)
        _copy_to_new_file(
            backup_file,
            store_path,
            ".new",
            "WAL",
            taken=f"{store_path} appeared while restoring; nothing was changed.",
            failed="The restore failed ({}); nothing was changed.",
        )
        return None
    safety = backup(store_path, keep=keep, label="-before-restore")
    try:
        # An encrypted backup goes into an encrypted store under the store's own key.
        target = (
            connect(store_path, timeout=10)
            if is_encrypted(store_path)
            else sqlite3.connect(store_path, timeout=10)
        )
        _copy(backup_file, target, "WAL")
    except db_errors() as exc:
        raise StoreError(f"The restore failed ({exc}); the store is as it was.") from None
    return safety


# `forget` looks inside at most this many backups (newest first), so it stays quick however many
# a user keeps; the rest are named as not looked at.
MAX_LOOKED_AT = 100
_STAMP = "%Y%m%d-%H%M%S"


def backups_of(store_path: Path) -> list[Path]:
    """The backups of this store in its backups folder, newest first."""
    folder = backups_folder(store_path)
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.glob(f"{store_path.stem}-*.db") if p.is_file()), key=lambda p: p.name, reverse=True
    )


def made_at(backup_file: Path, store_path: Path) -> datetime:
    """When a backup was made: from its name (local time), else the file's own time."""
    stamp = backup_file.name[len(store_path.stem) + 1 :][:15]
    try:
        return datetime.strptime(stamp, _STAMP).astimezone()
    except ValueError:
        return datetime.fromtimestamp(backup_file.stat().st_mtime).astimezone()


def people_in(backup_file: Path) -> list[tuple[list[str], str | None, str | None]]:
    """Everyone in a backup, as (names and aliases, email, phone), read-only.

    Raises StoreError when it cannot be read (damaged, or encrypted under a key not given)."""
    try:
        conn = sqlite3.connect(read_only_address(backup_file), uri=True)
        try:
            people: dict[int, tuple[list[str], str | None, str | None]] = {
                row[0]: ([row[1]], row[2], row[3])
                for row in conn.execute("SELECT id, name, email, phone FROM person")
            }
            for person_id, alias in conn.execute("SELECT person_id, alias FROM alias"):
                if person_id in people:
                    people[person_id][0].append(alias)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{backup_file.name} cannot be read ({exc}).") from None
    return list(people.values())


def made_before(store_path: Path, cutoff: datetime | None) -> list[Path]:
    """The backups in the backups folder made before `cutoff` (None: every one there now)."""
    return [p for p in backups_of(store_path) if cutoff is None or made_at(p, store_path) < cutoff]


def prune_before(store_path: Path, cutoff: datetime | None) -> list[Path]:
    """Delete the backups in the backups folder made before `cutoff` (None: all); the ones removed."""
    removed = made_before(store_path, cutoff)
    for old in removed:
        old.unlink(missing_ok=True)
    return removed
