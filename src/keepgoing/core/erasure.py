"""Forgetting a person, so that nothing said about them stays in the store.

`forget_person` deletes the person, their aliases, tags, follow-ups, notes,
ideas, group memberships and places in wins, and every conversation that
was only with them; from group conversations it
removes them and scrubs their name from the notes, so the others keep their
record. Storage then makes the erasure physical (`Store.scrub`): SQLite's
secure_delete zeroes freed content, the search index is rebuilt without
them, and the write-ahead log is checkpointed and truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from keepgoing.core.people import find_person
from keepgoing.storage import Store

REDACTED = "[someone]"


@dataclass
class Forgotten:
    name: str
    conversations_erased: int
    group_conversations: int
    follow_ups_erased: int
    notes_scrubbed: int


def name_pattern(name: str, aliases: list[str]) -> re.Pattern[str]:
    """Their full name, aliases, and each word of their name of three letters or more."""
    words = {name, *aliases}
    for whole in (name, *aliases):
        words.update(word for word in whole.split() if len(word) >= 3)
    alternatives = sorted((re.escape(w) for w in words if w.strip()), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def forget_person(store: Store, query: str, *, now: datetime) -> Forgotten:
    with store.write():
        person = find_person(store, query)
        pattern = name_pattern(person.name, person.aliases)
        solo, group = [], []
        for row in store.rows(
            "SELECT cp.conversation_id AS cid, (SELECT count(*) FROM conversation_person o "
            "WHERE o.conversation_id = cp.conversation_id) AS present FROM conversation_person cp "
            "WHERE cp.person_id = :p",
            {"p": person.id},
        ):
            (solo if row["present"] == 1 else group).append(row["cid"])
        follow_ups = store.row("SELECT count(*) AS n FROM follow_up WHERE person_id = :p", {"p": person.id})[
            "n"
        ]
        for cid in solo:
            store.run("DELETE FROM conversation WHERE id = :c", {"c": cid})
        store.run("DELETE FROM person WHERE id = :p", {"p": person.id})  # cascades the rest
        scrubbed = 0
        # Others' records may still mention them: group notes, follow-ups, notes on people.
        for table, column in (
            ("conversation", "note"),
            ("follow_up", "text"),
            ("person", "note"),
            ("person", "consent_note"),
            ("person_note", "text"),
            ("idea", "text"),
            ("idea", "outcome"),
            ("win", "text"),
        ):
            for row in store.rows(f"SELECT id, {column} AS text FROM {table} WHERE {column} IS NOT NULL"):
                cleaned = pattern.sub(REDACTED, row["text"])
                if cleaned != row["text"]:
                    store.run(
                        f"UPDATE {table} SET {column} = :t WHERE id = :id", {"t": cleaned, "id": row["id"]}
                    )
                    scrubbed += 1
    store.scrub()
    return Forgotten(person.name, len(solo), len(group), follow_ups, scrubbed)
