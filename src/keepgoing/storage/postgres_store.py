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

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

from keepgoing.errors import StoreError
from keepgoing.storage.server_connection import (
    connect,
    lock_timeout_seconds,
    problem,
    refuse_upgrade,
    schema_version,
    team_login,
)
from keepgoing.storage.server_url import secrets_of
from keepgoing.storage.store import Row, StoreBase, needs_upgrade

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


class PostgresStore(StoreBase):
    """One autocommit connection; `read()` and `write()` are explicit transactions."""

    dialect = "postgresql"
    indexed_search = False
    # NO KEY: the conversation_person rows already written hold key-share locks on the people.
    lock_for_update = " FOR NO KEY UPDATE"

    def folds_accents(self) -> bool:
        return bool(int(self.value("SELECT count(*) AS n FROM pg_extension WHERE extname = 'unaccent'")))

    def __init__(
        self,
        connection: psycopg.Connection[dict[str, Any]],
        location: str,
        secrets: frozenset[str] = frozenset(),
        team_worker: str | None = None,
    ):
        self._conn = connection
        self.location = location
        self._secrets = secrets
        # In a team store (`team init` was run): the login role, who the worker is.
        self.team_worker = team_worker

    def _problem(self, exc: psycopg.Error) -> StoreError:
        return problem(exc, self.location, self._secrets)

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
        self._wait_for_older_snapshots()
        # Rewriting a large table may take longer than an everyday statement may.
        self._conn.execute("SET statement_timeout = '600s'")
        try:
            self._conn.execute(f"VACUUM (FULL, ANALYZE) {', '.join(ERASED_TABLES)}")
        finally:
            self._conn.execute("RESET statement_timeout")  # back to the connection's own
        if asked is not None:
            self._conn.execute("DELETE FROM pending_cleanup WHERE id <= %(id)s", {"id": asked})

    def _wait_for_older_snapshots(self) -> None:
        """VACUUM FULL keeps every row a transaction older than the erasure may still see, so
        the erased rows would be copied into the new files: wait, as long as a lock may be
        waited for, until none is left. Two kinds hold them: a session of this database with a
        snapshot (an open transaction, an ANALYZE), and a transaction with an id anywhere on the
        server (another database's, a CREATE DATABASE), since VACUUM FULL's own snapshot starts
        from the server's oldest running transaction."""
        import time

        # Every transaction id below the mark had begun when the erasure had committed.
        mark = str(self.value("SELECT pg_snapshot_xmax(pg_current_snapshot())"))
        deadline = time.monotonic() + lock_timeout_seconds()
        while self.value(
            "SELECT pg_snapshot_xmin(pg_current_snapshot()) < CAST(:mark AS xid8) OR EXISTS ("
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
            "AND age(backend_xmin) > age(xid(CAST(:mark AS xid8))))",
            {"mark": mark},
        ):
            if time.monotonic() > deadline:
                raise StoreError("another session still sees the erased rows")
            time.sleep(0.05)

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


def open_postgres(url: str, location: str, *, upgrade_team: bool = False) -> PostgresStore:
    """Connect; when the schema is not current, upgrade it first (the only time Alembic loads).

    A team store is upgraded only by `keepgoing upgrade` (`upgrade_team`), as the owner role.
    """
    from keepgoing import messages

    connection = connect(url, location, autocommit=True, row_factory=dict_row)
    secrets = secrets_of(url)
    try:
        try:
            version = schema_version(connection)
        except errors.InsufficientPrivilege:
            raise StoreError(messages.NOT_IN_TEAM.format(role=connection.info.user)) from None
        login = team_login(connection)
        upgrade = needs_upgrade(location, version)
        if upgrade and login is not None and not upgrade_team:
            raise StoreError(messages.TEAM_NEEDS_UPGRADE)
        if upgrade and login is None:
            refuse_upgrade(connection, location, version)
    except psycopg.Error as exc:
        connection.close()
        raise problem(exc, location, secrets) from None
    except StoreError:
        connection.close()
        raise
    if upgrade:
        from keepgoing.storage.migrate import upgrade_server

        upgrade_server(url, location, team=login is not None)
    store = PostgresStore(connection, location, secrets, login)
    store.finish_pending_cleanup()
    return store
