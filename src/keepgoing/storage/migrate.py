"""Running Alembic migrations, and checking a server's tables against them.

Imported only when a store needs creating or upgrading, and by `keepgoing
check` on a database server: SQLAlchemy and Alembic never load otherwise.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from keepgoing.errors import StoreError
from keepgoing.storage.revisions import HEAD, REVISIONS

UPGRADE_STATEMENT_TIMEOUT = 600.0  # seconds: an upgrade may rewrite every table

SCRIPTS = "keepgoing.storage:migrations"

# Any fixed number: the advisory lock every keepgoing process takes to migrate a PostgreSQL store.
MIGRATION_LOCK = 4_870_221_366


def run_migrations(connection: Any, scripts: str = SCRIPTS) -> None:
    """Upgrade to the newest schema inside the connection's open transaction."""
    config = Config()
    config.set_main_option("script_location", scripts)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def sqlite_engine(path: Path | str, *, foreign_keys: bool = True, creator: Any = None) -> Any:
    """An engine whose transactions really are transactions on SQLite.

    pysqlite does not send BEGIN before DDL, which would leave a failed
    migration half-applied; we turn its implicit transactions off and begin
    ourselves, with IMMEDIATE so that two processes opening a new store at
    once take turns rather than both migrating.

    Migrations run with foreign keys off: SQLite rebuilds a table to alter it,
    and dropping the old copy with foreign keys on would cascade deletes.
    """
    url = path if isinstance(path, str) else f"sqlite:///{path}"
    if (
        creator is not None
    ):  # an encrypted store: SQLCipher's connection, its key given (storage/encryption.py)
        engine = create_engine("sqlite://", creator=creator, poolclass=NullPool)
    else:
        engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout = 10000")
        dbapi_connection.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        dbapi_connection.execute("PRAGMA secure_delete = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_sqlite(path: Path | str, scripts: str = SCRIPTS, *, creator: Any = None) -> None:
    engine = sqlite_engine(path, foreign_keys=False, creator=creator)
    try:
        with engine.begin() as connection:
            run_migrations(connection, scripts)
    finally:
        engine.dispose()


def server_engine(url: str, location: str, *, statement_timeout: float | None = None) -> Any:
    """A SQLAlchemy engine (psycopg 3) on the connection the everyday store makes: SQLAlchemy
    never reads the address itself, so every form libpq accepts means the same here."""
    from keepgoing.storage.server_connection import connect

    return create_engine(
        "postgresql+psycopg://",
        poolclass=NullPool,
        creator=lambda: connect(url, location, statement_timeout=statement_timeout),
    )


def _server_problem(exc: SQLAlchemyError, url: str, location: str, doing: str) -> StoreError:
    """What the server said, in one line without SQL or a password; an upgrade refused for
    want of ownership says whose the tables are."""
    import psycopg

    from keepgoing.storage.server_connection import problem
    from keepgoing.storage.server_url import secrets_of

    orig = getattr(exc, "orig", None)
    if isinstance(orig, psycopg.errors.InsufficientPrivilege) and doing == "upgrade":
        from keepgoing.storage.server_connection import (
            connect,
            owner_must_upgrade,
            owner_who_must_upgrade,
            schema_version,
        )

        with suppress(StoreError, psycopg.Error), connect(url, location, autocommit=True) as conn:
            owner = owner_who_must_upgrade(conn)
            if owner is not None:
                return StoreError(owner_must_upgrade(location, str(schema_version(conn)), owner))
    if isinstance(orig, psycopg.Error):
        return problem(orig, location, secrets_of(url), doing)
    return StoreError(f"The store {location} reported a problem ({type(exc).__name__}).")


def upgrade_server(url: str, location: str, *, team: bool = False) -> None:
    """Migrate a PostgreSQL store to the newest schema, in one transaction.

    Two workers' first commands on a new team database: one migrates, the
    other waits on the advisory lock, then finds the work done. In a team
    store (`team init`) the migration runs as the owner role, which only
    whoever looks after the database may become.
    """
    engine = server_engine(url, location, statement_timeout=UPGRADE_STATEMENT_TIMEOUT)
    try:
        with engine.begin() as connection:
            if team:
                from keepgoing.storage.team import quote, roles_for

                owner = roles_for(str(connection.execute(text("SELECT current_database()")).scalar())).owner
                if not connection.execute(
                    text("SELECT pg_has_role(current_user, :r, 'USAGE')"), {"r": owner}
                ).scalar():
                    from keepgoing import messages

                    raise StoreError(messages.TEAM_NEEDS_UPGRADE)
                connection.execute(text(f"SET LOCAL ROLE {quote(owner)}"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if _version(connection) != HEAD:
                run_migrations(connection)
    except SQLAlchemyError as exc:
        raise _server_problem(exc, url, location, "upgrade") from None
    finally:
        engine.dispose()


def _version(connection: Any) -> str | None:
    try:
        with connection.begin_nested():
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        if getattr(getattr(exc, "orig", None), "sqlstate", None) != "42P01":  # not "no such table"
            raise  # permission denied, say, is not "no schema"
        return None
    return None if version is None else str(version)


def check_server(url: str, location: str) -> Any:
    """`keepgoing check` for a database server, read-only: the schema version, and whether the
    tables are still exactly what the migrations built (someone may have altered them by hand).

    Row-level consistency is the server's job: its foreign keys are always enforced.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from keepgoing.storage.backup import Health
    from keepgoing.storage.models import metadata
    from keepgoing.storage.server_connection import other_tables, owner_who_must_upgrade, these_tables

    health = Health(location)
    engine = server_engine(url, location)
    try:
        with engine.connect() as connection:
            health.schema = _version(connection)
            driver = connection.connection.driver_connection
            if health.schema is None:
                tables = other_tables(driver)
                health.problems.append(
                    f"{these_tables(tables)}: not a keepgoing store"
                    if tables
                    else "no schema version: an empty database (the first keepgoing command sets it up)"
                )
            elif health.schema not in REVISIONS:
                health.problems.append(f"schema {health.schema} is from a newer keepgoing")
            elif health.schema != HEAD:
                owner = owner_who_must_upgrade(driver)
                health.problems.append(
                    f"schema {health.schema} is older than {HEAD}; "
                    + (
                        "any keepgoing command upgrades it"
                        if owner is None
                        else f"only the role that owns its tables ({owner}) can upgrade it, "
                        "by running any keepgoing command"
                    )
                )
            else:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                for difference in compare_metadata(context, metadata)[:20]:
                    health.problems.append(f"the tables differ from keepgoing's: {_describe(difference)}")
            connection.rollback()
    except SQLAlchemyError as exc:
        raise _server_problem(exc, url, location, "check") from None
    finally:
        engine.dispose()
    return health


def _describe(difference: Any) -> str:
    if isinstance(difference, tuple) and difference:
        kind, *rest = difference
        names = [getattr(item, "name", None) or str(item) for item in rest if item is not None]
        return f"{kind.replace('_', ' ')} {' '.join(names[:3])}".strip()
    return "a change of column details"
