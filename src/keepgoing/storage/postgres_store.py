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

# Every table that can hold something about a person, vacuumed after `forget`.
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

    def __init__(
        self, connection: psycopg.Connection[dict[str, Any]], location: str, team_worker: str | None = None
    ):
        self._conn = connection
        self.location = location
        # In a team store (`team init` was run): the login role, who the worker is.
        self.team_worker = team_worker

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

    def scrub(self) -> None:
        """After `forget`: make the deleted rows' space reusable now, not at the next autovacuum.

        A plain VACUUM of the tables that held the person (owners may run it;
        where the server refuses, its autovacuum gets there later). Overwriting
        at rest, WAL and backups are the server's business.
        """
        with suppress(psycopg.Error):
            self._conn.execute(f"VACUUM {', '.join(ERASED_TABLES)}")

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


def team_login(connection: psycopg.Connection[Any]) -> str | None:
    """The login role when this is a team store (its people are under row-level security), else None."""
    row = connection.execute(
        "SELECT current_user AS me, "
        "(SELECT relforcerowsecurity FROM pg_class WHERE oid = to_regclass('person')) AS team"
    ).fetchone()
    if row is None:
        return None
    values = row if isinstance(row, Mapping) else {"me": row[0], "team": row[1]}
    return str(values["me"]) if values["team"] else None


def open_postgres(url: str, location: str, *, upgrade_team: bool = False) -> PostgresStore:
    """Connect; when the schema is not current, upgrade it first (the only time Alembic loads).

    A team store is upgraded only by `keepgoing upgrade` (`upgrade_team`), as the owner role.
    """
    from keepgoing import messages

    connection = _connect(url, location)
    try:
        try:
            version = schema_version(connection)
        except errors.InsufficientPrivilege:
            raise StoreError(messages.NOT_IN_TEAM.format(role=connection.info.user)) from None
        login = team_login(connection)
        upgrade = needs_upgrade(location, version)
        if upgrade and login is not None and not upgrade_team:
            raise StoreError(messages.TEAM_NEEDS_UPGRADE)
    except psycopg.Error as exc:
        connection.close()
        raise StoreError(f"The store {location} reported a problem: {str(exc).strip()}") from None
    except StoreError:
        connection.close()
        raise
    if upgrade:
        from keepgoing.storage.migrate import upgrade_server

        upgrade_server(url, location, team=login is not None)
    return PostgresStore(connection, location, login)
