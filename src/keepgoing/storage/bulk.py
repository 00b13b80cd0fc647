"""The import's fast path: rows written as a file gives them, in the caller's transaction.

`exchange/importing.py` checks every field with the core's own rules and
decides what is new; this module is where its rows meet the tables (and the
one place the import's SQL lives). Conversations, their people and
follow-ups are written in batches (`write_batches`); the rest a row at a
time, each with the query that tells whether it is already here. The SQL is
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from keepgoing.storage.store import Store

# In this order: a conversation's people and follow-ups need the conversation.
BATCHES = {
    "conversation": "INSERT INTO conversation (id, occurred_at, via, note, wellbeing, logged_by, "
    "created_at, feeling, group_id, amended_by, amended_at, time_given, reached, private) VALUES "
    "(:id, :at, :via, :note, :wb, :by, :created, :feeling, :group, :amended_by, :amended_at, :time_given, "
    ":reached, :private)",
    "conversation_person": "INSERT INTO conversation_person (conversation_id, person_id, wellbeing) "
    "VALUES (:c, :p, :wb)",
    "follow_up": "INSERT INTO follow_up (id, person_id, conversation_id, text, due_on, created_at, "
    "done_at, logged_by, worker, cancelled_at, cancelled_by, private) "
    "VALUES (:id, :p, :c, :t, :d, :created, :done, :by, :worker, :cancelled, :cancelled_by, :private)",
}


def one_persons_store(store: Store) -> bool:
    """Whether `store` is a local store file (one person's), rather than a database server's."""
    return store.dialect == "sqlite"


# --- what is here already ------------------------------------------------------------


def people(store: Store) -> Iterator[Any]:
    """Everyone here, with what an import matches them by."""
    yield from store.rows(
        "SELECT id, name, name_key, email, cadence_days, created_at, last_contact_at FROM person"
    )


def aliases(store: Store) -> Iterator[Any]:
    yield from store.rows("SELECT person_id, alias_key FROM alias")


def group_keys(store: Store) -> dict[str, int]:
    """Each group's id by its name key."""
    return {r["name_key"]: r["id"] for r in store.rows("SELECT id, name_key FROM community_group")}


def conversations_of(store: Store) -> Any:
    """A function giving, for one person, each of their conversations: (when, via, note, everyone there)."""

    def history(person_id: int) -> Iterator[tuple[Any, str, str | None, list[int]]]:
        rows = store.rows(
            "SELECT c.id, c.occurred_at, c.via, c.note FROM conversation c "
            "JOIN conversation_person cp ON cp.conversation_id = c.id WHERE cp.person_id = :p",
            {"p": person_id},
        )
        present: dict[int, list[int]] = {}
        for row in store.rows(
            "SELECT o.conversation_id AS c, o.person_id AS p FROM conversation_person o WHERE o.conversation_id IN "
            "(SELECT conversation_id FROM conversation_person WHERE person_id = :p)",
            {"p": person_id},
        ):
            present.setdefault(row["c"], []).append(row["p"])
        for row in rows:
            yield row["occurred_at"], row["via"], row["note"], present.get(row["id"], [])

    return history


def has_follow_up(store: Store, person_id: int, text: str, created: datetime) -> bool:
    return _there(
        store,
        "SELECT id FROM follow_up WHERE person_id = :p AND text = :t AND created_at = :c",
        {"p": person_id, "t": text, "c": created},
    )


def has_note(store: Store, person_id: int, text: str, created: datetime) -> bool:
    return _there(
        store,
        "SELECT id FROM person_note WHERE person_id = :p AND text = :t AND created_at = :c",
        {"p": person_id, "t": text, "c": created},
    )


def has_idea(store: Store, person_id: int | None, text: str, created: datetime) -> bool:
    whose = "person_id = :p" if person_id is not None else "person_id IS NULL"
    return _there(
        store,
        f"SELECT id FROM idea WHERE {whose} AND text = :t AND created_at = :c",
        {"p": person_id, "t": text, "c": created},
    )


def has_win(store: Store, text: str, when: datetime) -> bool:
    return _there(store, "SELECT id FROM win WHERE text = :t AND occurred_at = :w", {"t": text, "w": when})


def _there(store: Store, sql: str, params: dict[str, Any]) -> bool:
    return bool(store.row(sql, params))


# --- writing ---------------------------------------------------------------------------


def write_batches(store: Store, pending: dict[str, list[dict[str, Any]]]) -> None:
    """Write the waiting conversations, their people and follow-ups (`BATCHES`), and empty the lists."""
    for table, sql in BATCHES.items():
        if pending[table]:
            store.run_many(sql, pending[table])
            pending[table] = []


def add_person(store: Store, row: dict[str, Any], aliases: dict[str, str], tags: list[str]) -> None:
    """A person row as given (its columns by name), with aliases (key -> alias) and tags."""
    columns = ", ".join(row)
    store.run(f"INSERT INTO person ({columns}) VALUES ({', '.join(':' + c for c in row)})", row)
    for alias_key, alias in aliases.items():
        store.run(
            "INSERT INTO alias (person_id, alias, alias_key) VALUES (:p, :a, :k)",
            {"p": row["id"], "a": alias, "k": alias_key},
        )
    for tag in tags:
        store.run("INSERT INTO person_tag (person_id, tag) VALUES (:p, :t)", {"p": row["id"], "t": tag})


def add_group(store: Store, row: dict[str, Any]) -> None:
    store.run(
        "INSERT INTO community_group (id, name, name_key, cadence_days, created_at, archived_at, via) "
        "VALUES (:id, :n, :k, :c, :created, :archived, :via)",
        row,
    )


def add_members(store: Store, group_id: int, person_ids: list[int], joined_at: datetime) -> None:
    """These people into the group, but for those in it already."""
    for pid in dict.fromkeys(person_ids):
        if not _there(
            store,
            "SELECT 1 AS x FROM group_member WHERE group_id = :g AND person_id = :p",
            {"g": group_id, "p": pid},
        ):
            store.run(
                "INSERT INTO group_member (group_id, person_id, joined_at) VALUES (:g, :p, :at)",
                {"g": group_id, "p": pid, "at": joined_at},
            )


def add_note(store: Store, row: dict[str, Any]) -> None:
    store.run(
        "INSERT INTO person_note (id, person_id, text, created_at, logged_by, private) "
        "VALUES (:id, :p, :t, :c, :by, :private)",
        row,
    )


def add_idea(store: Store, row: dict[str, Any]) -> None:
    store.run(
        "INSERT INTO idea (id, person_id, conversation_id, group_id, text, status, outcome, created_at, "
        "updated_at, told_at, told_by) VALUES (:id, :p, :conv, :g, :t, :s, :o, :c, :u, :told, :told_by)",
        row,
    )


def add_win(store: Store, row: dict[str, Any], person_ids: list[int]) -> None:
    store.run(
        "INSERT INTO win (id, text, occurred_at, group_id, logged_by, created_at) "
        "VALUES (:id, :t, :w, :g, :by, :c)",
        row,
    )
    for pid in dict.fromkeys(person_ids):
        store.run("INSERT INTO win_person (win_id, person_id) VALUES (:w, :p)", {"w": row["id"], "p": pid})


def add_monitoring_consent(
    store: Store, person_id: int, given_on: date, at: datetime, by: str | None
) -> bool:
    """A person's consent to equality monitoring, unless one is held already; whether it was added."""
    p = {"p": person_id}
    if _there(store, "SELECT 1 AS x FROM monitoring_consent WHERE person_id = :p", p):
        return False
    store.run(
        "INSERT INTO monitoring_consent (person_id, given_on, recorded_at, recorded_by) "
        "VALUES (:p, :on, :at, :by)",
        {**p, "on": given_on, "at": at, "by": by},
    )
    return True


def add_monitoring(
    store: Store, person_id: int, asked: date, answers: dict[str, Any], at: datetime, by: str | None
) -> bool:
    """One dated monitoring record, unless that day's is held already; whether it was added."""
    p = {"p": person_id}
    if _there(
        store, "SELECT 1 AS x FROM monitoring WHERE person_id = :p AND asked_on = :on", {**p, "on": asked}
    ):
        return False
    store.run(
        "INSERT INTO monitoring (person_id, asked_on, age_band, gender, ethnicity, disability, "
        "postcode_district, recorded_at, recorded_by) VALUES (:p, :on, :age_band, :gender, "
        ":ethnicity, :disability, :postcode_district, :at, :by)",
        {**p, "on": asked, "at": at, "by": by, **answers},
    )
    return True
