"""Tab completion from the store: names and aliases, tags, groups, channels, follow-up numbers.

In storage because it reads the store directly (the CLI modules use these as
their `autocompletion=` callbacks).

Typer's own mechanism (`--install-completion`, `--show-completion`, the
`_KEEPGOING_COMPLETE` protocol) calls these while the user presses Tab, so
they read a local store with stdlib sqlite3 only, read-only, and never
create, migrate or lock anything; on a database server, or if anything at
all goes wrong, they offer nothing rather than an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

CHANNELS = ("phone", "video", "email", "text", "cuppa", "other")
LIMIT = 200


def _rows(sql: str, incomplete: str) -> list[str]:
    try:
        from keepgoing.storage import store_file
        from keepgoing.storage.store import read_only_address

        path = store_file(None)
        if path is None or not path.is_file():  # a server, no store, or a FIFO that would never answer
            return []
        conn = sqlite3.connect(read_only_address(path), uri=True, timeout=0.2)
        try:
            pattern = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            return [row[0] for row in conn.execute(sql, {"p": pattern, "n": LIMIT})]
        finally:
            conn.close()
    except Exception:
        return []  # a Tab press must never print an error


def people(incomplete: str) -> list[str]:
    """Names and aliases that start with what was typed, in any case.

    Typer keeps only completions that start with the typed text exactly, so
    the typed letters are kept as they are ("sam" offers "sam Okafor"): names
    are matched regardless of case, so that reaches Sam Okafor just the same.
    """
    names = _rows(
        "SELECT name FROM person WHERE archived_at IS NULL AND name LIKE :p ESCAPE '\\' "
        "UNION SELECT alias FROM alias WHERE alias LIKE :p ESCAPE '\\' ORDER BY 1 LIMIT :n",
        incomplete,
    )
    return [incomplete + name[len(incomplete) :] for name in names]


def tags(incomplete: str) -> list[str]:
    return _rows(
        "SELECT DISTINCT tag FROM person_tag WHERE tag LIKE :p ESCAPE '\\' ORDER BY 1 LIMIT :n", incomplete
    )


def groups(incomplete: str) -> list[str]:
    return _rows(
        "SELECT name FROM community_group WHERE archived_at IS NULL AND name LIKE :p ESCAPE '\\' "
        "ORDER BY 1 LIMIT :n",
        incomplete,
    )


def follow_ups(incomplete: str) -> list[tuple[str, str]]:
    """Open follow-up numbers, each with its text as the help shells show beside it."""
    try:
        rows = _rows(
            "SELECT f.id || char(31) || p.name || ': ' || f.text FROM follow_up f JOIN person p "
            "ON p.id = f.person_id WHERE f.done_at IS NULL AND f.cancelled_at IS NULL AND CAST(f.id AS TEXT) LIKE :p ESCAPE '\\' "
            "ORDER BY f.id LIMIT :n",
            incomplete,
        )
        return [tuple(row.split("\x1f", 1)) for row in rows]  # type: ignore[misc]
    except Exception:
        return []


def follow_ups_or_add(incomplete: str) -> list[tuple[str, str]]:
    """`followup`'s first word: `add` (a new promise), or an open follow-up's number."""
    new = [("add", "a new follow-up: NAME TEXT")] if "add".startswith(incomplete.lower()) else []
    return new + follow_ups(incomplete)


def channels(incomplete: str) -> list[str]:
    return [c for c in CHANNELS if c.startswith(incomplete.lower())]


COMPLETERS: dict[str, Callable[[str], list[Any]]] = {
    "people": people,
    "tags": tags,
    "groups": groups,
    "follow_ups": follow_ups,
    "channels": channels,
}
