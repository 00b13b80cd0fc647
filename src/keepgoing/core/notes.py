"""Lasting notes on what matters to a person, what drives them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keepgoing.core.matching import find_person
from keepgoing.core.person import iso
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant
from keepgoing.text import required


@dataclass
class Note:
    """A lasting note about a person: what matters to them, what drives them."""

    id: int
    text: str
    created_at: datetime
    # Written --private: in a team store, only its writer and the managers see it.
    private: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "created_at": iso(self.created_at), "private": self.private}


def add_note(
    store: Store,
    query: str,
    text: str,
    *,
    now: datetime,
    logged_by: str | None = None,
    private: bool = False,
) -> tuple[str, Note]:
    text = required(text, "lasting note")
    with store.write():
        person = find_person(store, query)
        note_id = store.insert(
            "INSERT INTO person_note (person_id, text, created_at, logged_by, private) "
            "VALUES (:p, :t, :now, :by, :private) RETURNING id",
            {"p": person.id, "t": text, "now": now, "by": logged_by, "private": private},
        )
    return person.name, Note(note_id, text, now, private)


def notes_for(store: Store, person_id: int) -> list[Note]:
    return [
        Note(r["id"], r["text"], stored_instant(r["created_at"]), bool(r["private"]))
        for r in store.rows(
            "SELECT id, text, created_at, private FROM person_note WHERE person_id = :p "
            "ORDER BY created_at DESC, id DESC",
            {"p": person_id},
        )
    ]
