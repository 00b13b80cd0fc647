"""A store at any SQLAlchemy URL (a team's PostgreSQL server, say).

The same portable SQL as the local store, through SQLAlchemy's `text()`.
Migrations run on open, in one transaction, as for SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from keepgoing.errors import StoreError
from keepgoing.storage.schema import HEAD, REVISIONS

# Any fixed number: the advisory lock every keepgoing process takes to migrate a PostgreSQL store.
MIGRATION_LOCK = 4_870_221_366


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


def masked(url: str) -> str:
    from keepgoing.storage import mask_url

    return mask_url(url)


def with_driver(url: str) -> str:
    """`postgresql://` (and `postgres://`) mean psycopg 3, the driver the postgres extra installs.

    SQLAlchemy would otherwise look for psycopg2, which we do not depend on.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # reported as unreadable when the engine is made
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


class SqlAlchemyStore:
    def __init__(self, url: str):
        url = with_driver(url)
        self.location = masked(url)
        try:
            if url.startswith("sqlite"):
                from keepgoing.storage.migrate import sqlite_engine

                self._engine = sqlite_engine(url)
            else:
                self._engine = create_engine(url)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise StoreError(f"Cannot use the database URL {self.location}: {exc}.") from None
        except ImportError as exc:
            raise StoreError(
                f"The database driver for {self.location} is not installed ({exc.name})."
            ) from None
        self.dialect = self._engine.dialect.name
        try:
            self._conn = self._engine.connect()
        except SQLAlchemyError as exc:
            reason = str(exc.orig or exc)
            if "password" in reason and make_url(url).password is None:
                reason += " (give the password in PGPASSWORD or ~/.pgpass, not in the URL)"
            raise StoreError(f"Could not connect to {self.location}: {reason}") from None
        self._tx: Any = None
        self._depth = 0

    def _execute(self, sql: str, params: Mapping[str, Any] | None) -> Any:
        try:
            return self._conn.execute(text(sql), dict(params or {}))
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"The store {self.location} reported a problem: {exc.orig}") from exc

    def _done(self, value: Any) -> Any:
        """Outside read()/write(), each statement is its own transaction: end the autobegun one.

        Left open, it would hold a snapshot (and, on SQLite, the write lock) for
        as long as the store stays open.
        """
        if not self._depth and self._conn.in_transaction():
            self._conn.commit()
        return value

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        return self._done(list(self._execute(sql, params).mappings()))

    def row(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._done(self._execute(sql, params).mappings().first())

    def run(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        return self._done(self._execute(sql, params).rowcount)

    def insert(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        return self._done(self._execute(sql, params).scalar_one())

    def stream(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        try:
            # Per statement: Connection.execution_options() would change the connection itself.
            statement = text(sql).execution_options(stream_results=True)
            result = self._conn.execute(statement, dict(params or {}))
        except SQLAlchemyError as exc:
            raise StoreError(f"The store {self.location} reported a problem: {exc.orig}") from exc
        try:
            yield from result.mappings()
        finally:
            result.close()  # an open cursor would keep SQLite's tables locked
        self._done(None)

    def run_many(self, sql: str, rows: Any) -> None:
        batch = [dict(row) for row in rows]
        if batch:
            try:
                self._conn.execute(text(sql), batch)
            except SQLAlchemyError as exc:
                raise StoreError(f"The store {self.location} reported a problem: {exc.orig}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if self._conn.in_transaction():  # autobegun by a read outside a transaction
            self._conn.commit()
        self._depth = 1
        try:
            with self._conn.begin():
                yield
        finally:
            self._depth = 0

    def write(self) -> Any:
        return self._transaction()

    def read(self) -> Any:
        return self._transaction()

    @contextmanager
    def bulk_search_index(self) -> Iterator[None]:
        yield  # no FTS index outside SQLite (see core/search.py)

    def scrub(self) -> None:
        """After `forget`: make the deleted rows' space reusable now, not at the next autovacuum.

        On PostgreSQL a plain VACUUM of the tables that held the person (owners
        may run it; where the server refuses, its autovacuum gets there later).
        Overwriting at rest, WAL and backups are the server's business.
        """
        if self.dialect == "postgresql":
            self._done(None)
            try:
                with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql(f"VACUUM {', '.join(ERASED_TABLES)}")
            except SQLAlchemyError:
                pass
        if self.dialect == "sqlite":
            self._done(None)
            # Straight to the driver: through SQLAlchemy the PRAGMA would autobegin a
            # transaction, and a checkpoint cannot run inside one.
            self._conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._conn.close()
        self._engine.dispose()

    def migrate(self, url: str) -> None:
        from keepgoing.storage.migrate import run_migrations, upgrade_sqlite

        try:
            version = self._conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            version = None
        self._conn.rollback()
        if version is not None and version not in REVISIONS:
            raise StoreError(
                f"{self.location} was written by a newer keepgoing (schema {version}); "
                "please upgrade keepgoing. Nothing was changed."
            )
        if version == HEAD:
            return
        if self.dialect == "sqlite":
            upgrade_sqlite(url)  # its own connection, with foreign keys off
            return
        with self._transaction():
            if self.dialect == "postgresql":
                # Two workers' first commands on a new team database: one migrates, the
                # other waits here, then finds the work done.
                self._conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                try:
                    with self._conn.begin_nested():
                        version = self._conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                except SQLAlchemyError:
                    version = None
                if version == HEAD:
                    return
            run_migrations(self._conn)


def open_url(url: str) -> SqlAlchemyStore:
    url = with_driver(url)
    store = SqlAlchemyStore(url)
    store.migrate(url)
    return store


def check_url(url: str) -> Any:
    """`keepgoing check` for a database server, read-only: the schema version, and whether the
    tables are still exactly what the migrations built (someone may have altered them by hand).

    Row-level consistency is the server's job: its foreign keys are always enforced.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from keepgoing.storage.backup import Health
    from keepgoing.storage.models import metadata

    url = with_driver(url)
    health = Health(masked(url))
    store = SqlAlchemyStore(url)  # connects; never migrates
    try:
        try:
            health.schema = store._conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            health.problems.append("no schema version: not a keepgoing store (or an empty database)")
            return health
        finally:
            store._conn.rollback()
        if health.schema not in REVISIONS:
            health.problems.append(f"schema {health.schema} is from a newer keepgoing")
        elif health.schema != HEAD:
            health.problems.append(
                f"schema {health.schema} is older than {HEAD}; any keepgoing command upgrades it"
            )
        else:
            context = MigrationContext.configure(store._conn, opts={"compare_type": True})
            for difference in compare_metadata(context, metadata)[:20]:
                health.problems.append(f"the tables differ from keepgoing's: {_describe(difference)}")
            store._conn.rollback()
    finally:
        store.close()
    return health


def _describe(difference: Any) -> str:
    if isinstance(difference, tuple) and difference:
        kind, *rest = difference
        names = [getattr(item, "name", None) or str(item) for item in rest if item is not None]
        return f"{kind.replace('_', ' ')} {' '.join(names[:3])}".strip()
    return "a change of column details"
