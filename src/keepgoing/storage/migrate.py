"""Running Alembic migrations. Imported only when a store needs creating or upgrading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool

SCRIPTS = "keepgoing.storage:migrations"


def run_migrations(connection: Any, scripts: str = SCRIPTS) -> None:
    """Upgrade to the newest schema inside the connection's open transaction."""
    config = Config()
    config.set_main_option("script_location", scripts)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def sqlite_engine(path: Path | str, *, foreign_keys: bool = True) -> Any:
    """An engine whose transactions really are transactions on SQLite.

    pysqlite does not send BEGIN before DDL, which would leave a failed
    migration half-applied; we turn its implicit transactions off and begin
    ourselves, with IMMEDIATE so that two processes opening a new store at
    once take turns rather than both migrating.

    Migrations run with foreign keys off: SQLite rebuilds a table to alter it,
    and dropping the old copy with foreign keys on would cascade deletes.
    """
    url = path if isinstance(path, str) else f"sqlite:///{path}"
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


def upgrade_sqlite(path: Path | str, scripts: str = SCRIPTS) -> None:
    engine = sqlite_engine(path, foreign_keys=False)
    try:
        with engine.begin() as connection:
            run_migrations(connection, scripts)
    finally:
        engine.dispose()
