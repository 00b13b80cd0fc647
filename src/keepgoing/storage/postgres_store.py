"""A team's store on a PostgreSQL server, through psycopg 3 directly.

Everyday commands pay only for psycopg and one connection: the schema
version is one query, and SQLAlchemy and Alembic are imported only when the
schema needs upgrading (`storage/migrate.py`). The core's SQL is the same as
for SQLite; its `:name` parameters become psycopg's `%(name)s` here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

from keepgoing.errors import StoreError
from keepgoing.storage.store import Row, Transactions, needs_upgrade

# Every table that can hold something about a person, rewritten (VACUUM FULL) after an erasure.
ERASED_TABLES = (
    "person",
    "alias",
    "person_tag",
    "conversation",
    "conversation_person",
    "follow_up",
    "person_note",
    "idea",
    "group_member",
    "win",
    "win_person",
)

# `:name`, but not `::type` casts or `\\:` (SQLAlchemy's text() reads its binds the same way).
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


@lru_cache(maxsize=256)
def to_pyformat(sql: str) -> str:
    """The core's `:name` parameters as psycopg's `%(name)s` (a literal % doubled)."""
    return _BIND.sub(r"%(\1)s", sql.replace("%", "%%"))


def conninfo(url: str) -> str:
    """A libpq URI from a SQLAlchemy-style URL: `postgresql+psycopg://` loses its driver name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def is_postgres_url(url: str) -> bool:
    scheme = url.split("://", 1)[0].lower()
    return scheme in ("postgres", "postgresql") or scheme.startswith("postgresql+")


class PostgresStore(Transactions):
    """One autocommit connection; `read()` and `write()` are explicit transactions."""

    dialect = "postgresql"

    def __init__(self, connection: psycopg.Connection[dict[str, Any]], location: str):
        self._conn = connection
        self.location = location

    def _problem(self, exc: psycopg.Error) -> StoreError:
        return StoreError(f"The store {self.location} reported a problem: {str(exc).strip()}")

    def _execute(self, sql: str, params: Mapping[str, Any] | None) -> psycopg.Cursor[dict[str, Any]]:
        try:
            return self._conn.execute(to_pyformat(sql), dict(params or {}))
        except errors.IntegrityError:
            raise  # the core turns constraint failures into its own messages
        except psycopg.Error as exc:
            raise self._problem(exc) from exc

    def _statement(self, sql: str) -> None:
        self._execute(sql, None)

    def _in_transaction(self) -> bool:
        return self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return [*self._execute(sql, params).fetchall()]

    def row(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        return self._execute(sql, params).fetchone()

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        return self._execute(sql, params).rowcount

    def insert(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        row = self._execute(sql, params).fetchone()
        if row is None:
            raise StoreError(f"The store {self.location} gave back no id for a new row.")
        return int(next(iter(row.values())))

    def stream(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[Row]:
        """Rows through a server-side cursor, so that exports stay flat in memory.

        Such a cursor lives in a transaction: outside read()/write() it gets its own.
        """
        with self.read():
            try:
                with self._conn.cursor(name=f"keepgoing_stream_{id(sql)}_{self._depth}") as cursor:
                    cursor.itersize = 500
                    cursor.execute(to_pyformat(sql), dict(params or {}))
                    yield from cursor
            except psycopg.Error as exc:
                raise self._problem(exc) from exc

    def run_many(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> None:
        batch = [dict(row) for row in rows]
        if not batch:
            return
        try:
            with self._conn.cursor() as cursor:
                cursor.executemany(to_pyformat(sql), batch)
        except errors.IntegrityError:
            raise
        except psycopg.Error as exc:
            raise self._problem(exc) from exc

    def write(self) -> Any:
        return self._transaction("BEGIN")

    def read(self) -> Any:
        return self._transaction("BEGIN")

    @contextmanager
    def bulk_search_index(self) -> Iterator[None]:
        yield  # no FTS index outside SQLite (see core/search.py)

    def scrub(self) -> str | None:
        """After an erasure: overwrite the erased rows on disk, or leave that to the tables' owner.

        A plain VACUUM only marks dead rows' space reusable, so the bytes stay
        in the table's pages; VACUUM FULL writes each table (with its indexes
        and TOAST) afresh from the live rows, and ANALYZE replaces statistics
        sampled from the old ones. Only the owner (or the database's owner, or
        a superuser) may do that; for anyone else the server would skip it with
        a warning, so a row in `pending_cleanup` asks the owner's next keepgoing
        command to finish it. Returns None when done, else the role that will.
        The server's WAL, archives and backups are its administrators' to manage.
        """
        owner = self._cleanup_owner()
        if owner is None:
            with suppress(psycopg.Error, StoreError):  # busy: recorded below, finished by the next command
                self._vacuum_full()
                return None
        try:
            self._conn.execute(
                "INSERT INTO pending_cleanup (requested_at, requested_by) VALUES (now(), current_user)"
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"Erased, but the old copies stay in the server's files until {owner or 'the owner'} "
                f"runs VACUUM FULL: this role could not ask for it ({str(exc).strip()})."
            ) from None
        return owner or str(self.value("SELECT current_user"))

    def _cleanup_owner(self) -> str | None:
        """None when this role may VACUUM FULL every erased table; else who owns them."""
        row = self.row(
            "SELECT min(pg_get_userbyid(c.relowner)) AS owner, bool_and(pg_has_role(c.relowner, 'USAGE') "
            "OR (pg_has_role(d.datdba, 'USAGE') AND NOT c.relisshared) "
            "OR CASE WHEN current_setting('server_version_num')::int >= 170000 "
            "THEN has_table_privilege(c.oid, 'MAINTAIN') ELSE false END) AS may "
            "FROM pg_class c JOIN pg_database d ON d.datname = current_database() "
            "WHERE c.oid = ANY(CAST(:tables AS regclass[]))",
            {"tables": list(ERASED_TABLES)},
        )
        if row is None or row["may"]:
            return None
        return str(row["owner"])

    def _vacuum_full(self) -> None:
        """Rewrite the erased tables, then clear the requests this covered."""
        asked = self.value("SELECT max(id) FROM pending_cleanup")
        self._conn.execute(f"VACUUM (FULL, ANALYZE) {', '.join(ERASED_TABLES)}")
        if asked is not None:
            self._conn.execute("DELETE FROM pending_cleanup WHERE id <= %(id)s", {"id": asked})

    def finish_pending_cleanup(self) -> None:
        """The owner's command finishes a clean-up another role's erasure asked for (see `scrub`)."""
        with suppress(
            psycopg.Error, StoreError
        ):  # a busy table or a missing grant: the next command tries again
            if (
                self.value("SELECT max(id) FROM pending_cleanup") is not None
                and self._cleanup_owner() is None
            ):
                self._vacuum_full()

    def close(self) -> None:
        self._conn.close()


def _connect(url: str, location: str) -> psycopg.Connection[dict[str, Any]]:
    try:
        return psycopg.connect(conninfo(url), autocommit=True, row_factory=dict_row)
    except psycopg.ProgrammingError as exc:  # an option libpq does not know, a malformed URI
        raise StoreError(f"Cannot use the database URL {location}: {str(exc).strip()}.") from None
    except psycopg.Error as exc:
        reason = str(exc).strip()
        if "password" in reason and not urlsplit(url).password:
            reason += " (give the password in PGPASSWORD or ~/.pgpass, not in the URL)"
        raise StoreError(f"Could not connect to {location}: {reason}") from None


def schema_version(connection: psycopg.Connection[Any]) -> str | None:
    """The store's schema revision; None for a database keepgoing has not set up yet."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except errors.UndefinedTable:
        return None
    if row is None:
        return None
    return str(row["version_num"] if isinstance(row, Mapping) else row[0])


def open_postgres(url: str, location: str) -> PostgresStore:
    """Connect; when the schema is not current, upgrade it first (the only time Alembic loads)."""
    connection = _connect(url, location)
    try:
        upgrade = needs_upgrade(location, schema_version(connection))
    except psycopg.Error as exc:
        connection.close()
        raise StoreError(f"The store {location} reported a problem: {str(exc).strip()}") from None
    except StoreError:
        connection.close()
        raise
    if upgrade:
        from keepgoing.storage.migrate import upgrade_server

        upgrade_server(url, location)
    store = PostgresStore(connection, location)
    store.finish_pending_cleanup()
    return store
