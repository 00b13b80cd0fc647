"""The small connection interface the core talks to, and its SQLite twin.

The core writes portable SQL with named parameters (`:name`), which both
stdlib sqlite3 and SQLAlchemy's `text()` understand, and uses `RETURNING id`
(SQLite 3.35+, PostgreSQL) instead of driver-specific row ids. The local
store runs on stdlib sqlite3 so that everyday commands never pay for
importing SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from keepgoing.errors import NotFound, StoreError
from keepgoing.storage.date_encoding import to_sqlite
from keepgoing.storage.revisions import HEAD, REVISIONS

Row = Mapping[str, Any]
BUSY_TIMEOUT_MS = 10_000
TOO_LARGE = "That number is larger than any keepgoing gives out; nothing has it."


class Store(Protocol):
    """What the core needs from a database."""

    dialect: str  # "sqlite" or "postgresql", for the storage layer's own branches
    location: str
    # Where the two databases differ, named for what the core does with it (core/ never asks
    # for the dialect: tests/test_layers.py).
    indexed_search: bool  # `search` asks full-text tables (SQLite's FTS5); else it scans with LIKE
    lock_for_update: str  # ends a SELECT whose rows an UPDATE follows, holding them to the commit

    def folds_accents(self) -> bool:
        """Whether SQL may call unaccent() to match "Zoë" by "zoe" in a scan."""
        ...

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def value(self, sql: str, params: Mapping[str, Any] | None = None) -> Any: ...

    def row(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None: ...

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> int: ...

    def insert(self, sql: str, params: Mapping[str, Any] | None = None) -> int: ...

    def run_many(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> None: ...

    def stream(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[Row]: ...

    def scrub(self) -> str | None: ...

    def bulk_search_index(self) -> Any: ...

    def write(self) -> Any: ...

    def read(self) -> Any: ...

    def close(self) -> None: ...


def read_only_address(path: Path | str, *, immutable: bool = False) -> str:
    """The `file:` URI that opens a local SQLite file read-only, for `sqlite3.connect(..., uri=True)`.

    The path is percent-quoted: a `#`, `?` or `%` in a file name is part of
    the name, never a fragment, an option or an escape (unquoted, `a#b.db`
    would open, or create, a file called `a`).
    """
    from urllib.parse import quote

    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


def describe_sqlite_error(exc: sqlite3.Error, location: str) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"The store {location} is busy in another window; please try again."
    if "disk is full" in text or "disk I/O" in text:
        return f"Could not write to {location}: the disk is full or failing. Nothing was saved."
    if "not a database" in text or "malformed" in text:
        return f"{location} is damaged or is not a keepgoing store ({text})."
    if "readonly" in text:
        return f"{location} is read-only; keepgoing cannot save to it."
    if "unable to open" in text:
        return f"Could not open {location}."
    return f"The store {location} reported a problem: {text}."


class StoreBase:
    """Transaction nesting, shared by both stores: the outermost block begins and
    ends the transaction; a block inside it joins it.

    A store gives `_statement(sql)` (one bare statement, errors already
    mapped) and `_in_transaction()` (whether the driver has one open).
    """

    _depth = 0

    def row(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        raise NotImplementedError

    def value(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row: a count, a max, a setting (None when there is no row)."""
        row = self.row(sql, params)
        return None if row is None else row[next(iter(row.keys()))]

    def _statement(self, sql: str) -> None:
        raise NotImplementedError

    def _in_transaction(self) -> bool:
        raise NotImplementedError

    def _rollback(self) -> None:
        if self._in_transaction():
            self._statement("ROLLBACK")

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        if self._depth:  # already inside one: join it
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._statement(begin)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self._statement("COMMIT")
        except StoreError:
            self._rollback()
            raise


def newer_schema(location: str, version: str) -> StoreError:
    return StoreError(
        f"{location} was written by a newer keepgoing (schema {version}); "
        "please upgrade keepgoing to use it. Nothing was changed."
    )


# Tables every keepgoing schema has: a database whose Alembic revision keepgoing does not
# know, and that has none of them, is another application's, not a newer keepgoing's.
OWN_TABLES_SQL = (
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('person', 'conversation')"
)


def another_application(version: str) -> str:
    return f"another application's database (its schema is {version}), not a keepgoing store"


def needs_upgrade(location: str, version: str | None) -> bool:
    """Whether a store at `version` (None: a new, empty one) must be migrated; a newer one is refused."""
    if version is not None and version not in REVISIONS:
        raise newer_schema(location, version)
    return version != HEAD


class SqliteStore(StoreBase):
    """A local store file through stdlib sqlite3, in autocommit mode.

    Transactions are explicit: `write()` takes the write lock up front with
    `BEGIN IMMEDIATE`, so two terminals logging at once queue politely (the
    busy timeout) instead of failing half-way; `read()` gives a consistent
    snapshot for commands that run several queries.
    """

    dialect = "sqlite"
    indexed_search = True
    lock_for_update = ""  # BEGIN IMMEDIATE already holds the whole file

    def folds_accents(self) -> bool:
        return False  # the FTS5 index folds them (remove_diacritics)

    def __init__(
        self, connection: sqlite3.Connection, path: Path, *, read_only: bool = False, driver: Any = sqlite3
    ):
        self.read_only = read_only
        self._conn = connection
        # stdlib sqlite3, or SQLCipher's twin of it for an encrypted store (storage/encryption.py),
        # whose errors are turned into sqlite3's here so that the core sees one kind.
        self._driver = driver
        self.encrypted = driver is not sqlite3
        self._conn.row_factory = driver.Row
        self.path = path
        self.location = str(path)

    def _execute(self, sql: str, params: Mapping[str, Any] | None) -> sqlite3.Cursor:
        bound = {key: to_sqlite(value) for key, value in (params or {}).items()}
        try:
            return self._conn.execute(sql, bound)
        except OverflowError:
            raise NotFound(TOO_LARGE) from None
        except self._driver.IntegrityError as exc:
            raise self._integrity(exc) from None  # the core turns constraint failures into its own messages
        except self._driver.Error as exc:
            raise StoreError(describe_sqlite_error(exc, self.location)) from exc

    def _integrity(self, exc: Exception) -> sqlite3.IntegrityError:
        if isinstance(exc, sqlite3.IntegrityError):
            return exc
        return sqlite3.IntegrityError(*exc.args)

    def _statement(self, sql: str) -> None:
        self._execute(sql, None)

    def _in_transaction(self) -> bool:
        return self._conn.in_transaction

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        rows: list[Row] = self._execute(sql, params).fetchall()
        return rows

    def row(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        row: Row | None = self._execute(sql, params).fetchone()
        return row

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        return self._execute(sql, params).rowcount

    def insert(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        return int(self._execute(sql, params).fetchone()[0])

    def stream(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[Row]:
        """Rows one at a time, so that exports stay flat in memory however big the store."""
        cursor = self._execute(sql, params)
        while batch := cursor.fetchmany(500):
            yield from batch

    def run_many(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """One statement over many rows: the bulk path for seeding and imports."""
        bound = ({key: to_sqlite(value) for key, value in row.items()} for row in rows)
        try:
            self._conn.executemany(sql, bound)
        except self._driver.IntegrityError as exc:
            raise self._integrity(exc) from None
        except self._driver.Error as exc:
            raise StoreError(describe_sqlite_error(exc, self.location)) from exc

    def write(self) -> Any:
        if self.read_only:
            raise StoreError(
                f"{self.location} is read-only (read-only media or a shared copy); nothing was saved."
            )
        return self._transaction("BEGIN IMMEDIATE")

    def read(self) -> Any:
        return self._transaction("BEGIN")

    @contextmanager
    def bulk_search_index(self) -> Iterator[None]:
        """Index conversations, aliases and tags added inside this block in one pass at the end.

        The per-row triggers cost ten times what one bulk insert into the FTS
        index does, and an alias or tag trigger re-indexes the whole person
        (all their aliases and tags) each time, so n of them cost n squared.
        Here they are dropped, and recreated from their own stored SQL
        afterwards; each person given aliases or tags is then indexed once,
        by their own update trigger. Use inside `write()`: if anything fails,
        the rollback restores the triggers with everything else.
        """
        triggers = {
            row["name"]: row["sql"]
            for row in self.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                "('search_conversation_ai', 'search_alias_ai', 'search_tag_ai')"
            )
        }
        if not triggers:
            yield
            return
        before = {
            table: self.value(f"SELECT coalesce(max(rowid), 0) FROM {table}")
            for table in ("conversation", "alias", "person_tag")
        }
        for name in triggers:
            self.run(f"DROP TRIGGER {name}")
        yield
        if "search_conversation_ai" in triggers:
            self.run(
                "INSERT INTO search_text (rowid, kind, ref, body) "
                "SELECT id * 4, 'conversation', id, coalesce(note, '') FROM conversation WHERE id > :c",
                {"c": before["conversation"]},
            )
        for sql in triggers.values():
            self.run(sql)
        self.run(
            "UPDATE person SET name = name WHERE id IN (SELECT person_id FROM alias WHERE rowid > :a "
            "UNION SELECT person_id FROM person_tag WHERE rowid > :t)",
            {"a": before["alias"], "t": before["person_tag"]},
        )

    def scrub(self) -> str | None:
        """Make deletions physical: nothing erased may survive in the file, index or WAL.

        secure_delete (on for every connection) zeroes freed cells and pages,
        but not the copies b-tree rebalancing leaves in a page's unused space,
        so after merging the search indexes into one segment each (which drops
        the erased words), VACUUM rebuilds the whole file from the live rows;
        a TRUNCATE checkpoint then copies the rebuilt pages into the database
        file and empties the write-ahead log, which held copies of the old
        pages. Returns None: on a local file the clean-up is never left for later.
        """
        if self.read_only:
            return None
        for index in ("search_text", "search_more"):
            if self.row("SELECT name FROM sqlite_master WHERE name = :n", {"n": index}):
                with self.write():
                    self.run(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
        try:
            self._conn.execute("VACUUM")
        except self._driver.Error as exc:
            raise StoreError(
                f"Erased, but {self.location} could not be rebuilt to clear the old copies of what was "
                f"erased ({exc}); the next forget, unlog or retention clears them once that is fixed."
            ) from None
        if self.value("PRAGMA wal_checkpoint(TRUNCATE)"):  # its first column: whether it was blocked
            raise StoreError(
                f"Erased, but another keepgoing window is reading {self.location}; "
                "close it and run keepgoing check so the old copy in the log is cleared."
            )
        return None

    def close(self) -> None:
        self._conn.close()
