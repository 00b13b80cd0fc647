"""Connecting to a team's PostgreSQL server, and the server's answers in keepgoing's words.

Shared by the everyday store (`storage/postgres_store.py`) and the schema
upgrade (`storage/migrate.py`), which connects the same way; kept apart so
neither imports the other.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import errors

from keepgoing.errors import StoreError
from keepgoing.storage.server_url import conninfo, redact, secrets_of
from keepgoing.storage.store import BUSY_TIMEOUT_MS

# Every team-store connection gives up waiting for a lock after this long (as SQLite's
# busy timeout), and on any one statement after the other; each can be changed through
# its environment variable (seconds). An upgrade's statements may take longer.
LOCK_TIMEOUT = ("KEEPGOING_PG_LOCK_TIMEOUT", BUSY_TIMEOUT_MS / 1000)
STATEMENT_TIMEOUT = ("KEEPGOING_PG_STATEMENT_TIMEOUT", 60.0)


def lock_timeout_seconds() -> float:
    """How long a statement may wait for a lock (and an erasure for older snapshots)."""
    return _seconds(LOCK_TIMEOUT)


def _seconds(setting: tuple[str, float]) -> float:
    name, default = setting
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise StoreError(f"{name} must be a number of seconds (0 for no limit), not {raw[:40]!r}.")
    return value


def _reason(exc: psycopg.Error, secrets: frozenset[str]) -> str:
    """The driver's own words in one line, without the SQL it quotes or any password."""
    text = exc.diag.message_primary or " ".join(str(exc).split())
    return redact(text.strip(), secrets)


def problem(exc: psycopg.Error, location: str, secrets: frozenset[str], doing: str = "") -> StoreError:
    """A StoreError for what the server said while working (one definition for every path);
    `doing` ("upgrade") names what failed."""
    if isinstance(exc, errors.LockNotAvailable):
        return StoreError(
            f"The store {location} is busy: someone else is changing the same records "
            f"(waited {_seconds(LOCK_TIMEOUT):g} s). Nothing was saved; please try again."
        )
    if isinstance(exc, errors.QueryCanceled):
        return StoreError(
            f"The store {location} took too long to answer, so the command was stopped. "
            "Nothing was saved; please try again."
        )
    said = f"Could not {doing} the store {location}" if doing else f"The store {location} reported a problem"
    return StoreError(redact(f"{said}: {_reason(exc, secrets)}", secrets))


def connect(
    url: str, location: str, *, statement_timeout: float | None = None, **driver: Any
) -> psycopg.Connection[Any]:
    """Connect to a team store: the address goes to libpq as typed (`server_url.conninfo`), with
    a lock and a statement timeout and JIT off for the session (the user's own `options` kept).

    The everyday store and the upgrade path (SQLAlchemy's engine) both connect here.
    """
    info = conninfo(url)
    secrets = secrets_of(url)
    try:
        params = psycopg.conninfo.conninfo_to_dict(info)
        if params.get("password"):
            secrets |= {str(params["password"])}
        statement = _seconds(STATEMENT_TIMEOUT) if statement_timeout is None else statement_timeout
        session = (
            f"-c lock_timeout={round(_seconds(LOCK_TIMEOUT) * 1000)} "
            f"-c statement_timeout={round(statement * 1000)} -c jit=off"
        )
        theirs = params.get("options") or os.environ.get("PGOPTIONS") or ""
        return psycopg.connect(info, options=f"{session} {theirs}".strip(), **driver)
    except UnicodeDecodeError:  # libpq decoded a %-escape into bytes that are not UTF-8 (%80)
        raise StoreError(
            f"Cannot use the database URL {location}: a %-escape in it is not UTF-8 text "
            "(write a character's UTF-8 bytes, such as %C3%A9 for é)."
        ) from None
    except psycopg.ProgrammingError as exc:  # an option libpq does not know, a malformed URI
        reason = f"Cannot use the database URL {location}: {_reason(exc, secrets)}."
        raise StoreError(redact(reason, secrets)) from None
    except psycopg.Error as exc:
        reason = _reason(exc, secrets)
        if "password" in reason and not secrets_of(url):
            reason += " (give the password in PGPASSWORD or ~/.pgpass, not in the URL)"
        raise StoreError(redact(f"Could not connect to {location}: {reason}", secrets)) from None


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


# The tables in the schema keepgoing works in (the first of the search path).
_OTHER_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
# Who owns the store's tables, and whether this login may act as that role (superusers may).
_OWNER = (
    "SELECT tableowner, pg_has_role(tableowner, 'USAGE') AS may FROM pg_tables "
    "WHERE schemaname = current_schema() AND tablename = 'alembic_version'"
)


def other_tables(connection: psycopg.Connection[Any]) -> list[str]:
    """The tables already in a database that has no keepgoing schema version."""
    return [
        str(next(iter(row.values())) if isinstance(row, Mapping) else row[0])
        for row in connection.execute(_OTHER_TABLES)
    ]


def these_tables(tables: list[str]) -> str:
    return f"this database holds other tables ({', '.join(tables[:5])}{', ...' if len(tables) > 5 else ''})"


def owner_who_must_upgrade(connection: psycopg.Connection[Any]) -> str | None:
    """The role that owns the store's tables, when it is not this login (only it can upgrade)."""
    row = connection.execute(_OWNER).fetchone()
    if row is None:
        return None
    owner, may = (row["tableowner"], row["may"]) if isinstance(row, Mapping) else row
    return None if may else str(owner)


def owner_must_upgrade(location: str, version: str, owner: str) -> str:
    return (
        f"The store {location} has schema {version}, older than this keepgoing's, and only the role "
        f"that owns its tables ({owner}) can upgrade it: ask them to run any keepgoing command "
        "(keepgoing people) on it. Nothing was changed."
    )


def refuse_upgrade(connection: psycopg.Connection[Any], location: str, version: str | None) -> None:
    """Before any migration: a database holding another application's tables is not set up,
    and a store only its owner can upgrade is left alone, saying who."""
    if version is None:
        tables = other_tables(connection)
        if tables:
            raise StoreError(
                f"Cannot use {location}: {these_tables(tables)}, so it is not a keepgoing store. "
                "Give keepgoing a database of its own (an empty one is set up on first use)."
            )
        return
    owner = owner_who_must_upgrade(connection)
    if owner is not None:
        raise StoreError(owner_must_upgrade(location, version, owner))
