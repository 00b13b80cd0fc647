"""The numbers people are given: conversations, follow-ups, ideas, notes and wins, never reused.

SQLite keeps the highest number each table has given in `sqlite_sequence`
(the tables are AUTOINCREMENT, migration 0006); PostgreSQL in each id
column's sequence. A row removed keeps its number out of use: the next is
always past the highest ever given, not past the highest still there.
"""

from __future__ import annotations

from pathlib import Path

from keepgoing.storage.encryption import open_file
from keepgoing.storage.local_file import db_errors
from keepgoing.storage.store import Store

NUMBERED = ("conversation", "follow_up", "idea", "person_note", "win")


def highest_given(store: Store, table: str) -> int:
    """The highest id `table` has ever given, rows since removed included (0 for none)."""
    present = f"COALESCE((SELECT max(id) FROM {table}), 0)"
    if store.dialect == "postgresql":
        given = f"COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')), 0)"
        return int(store.value(f"SELECT GREATEST({present}, {given})"))
    given = f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)"
    return int(store.value(f"SELECT max({present}, {given})"))


def _raise_to(store: Store, table: str, highest: int) -> None:
    """Record `highest` as given in `table`: the next new row is numbered after it."""
    if store.dialect == "postgresql":
        # setval(s, n, true): n was given (false only for a sequence never used).
        store.row(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n, :given)",
            {"n": max(highest, 1), "given": highest > 0},
        )
    elif not store.run("UPDATE sqlite_sequence SET seq = :n WHERE name = :t", {"n": highest, "t": table}):
        store.run("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)", {"n": highest, "t": table})


def move_past_given(store: Store, tables: tuple[str, ...]) -> None:
    """After rows came in with their own ids: PostgreSQL's sequences move past them, never back.

    (SQLite's AUTOINCREMENT notices an id given explicitly by itself.)
    """
    if store.dialect == "postgresql":
        for table in tables:
            _raise_to(store, table, highest_given(store, table))


def given_in_file(path: Path) -> dict[str, int]:
    """The highest numbers a local store has given, read before it is replaced ({} if unreadable)."""
    if not path.is_file():
        return {}
    found: dict[str, int] = {}
    try:
        conn = open_file(path.resolve())
        try:
            kept = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            }
            for table in NUMBERED:
                found[table] = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
                if kept:
                    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
                    found[table] = max(found[table], row[0] if row else 0)
        finally:
            conn.close()
    except db_errors():
        return {}
    return found


def keep_given(store: Store, given: dict[str, int]) -> None:
    """A restored store never gives out a number the store it replaced had already given."""
    with store.write():
        for table, highest in given.items():
            if table in NUMBERED and highest > highest_given(store, table):
                _raise_to(store, table, highest)
