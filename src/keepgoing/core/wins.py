"""Small wins: worth celebrating while we wait for the big one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keepgoing.core.matching import find_person
from keepgoing.core.person import Person, iso
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant
from keepgoing.text import required


@dataclass
class Win:
    """A small win worth celebrating: what, when, and whose it was (people or a group)."""

    id: int
    text: str
    when: datetime
    people: list[str] = field(default_factory=list)
    group: str | None = None
    # The people themselves, when the win was just recorded (for consent warnings).
    records: list[Person] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "when": iso(self.when),
            "people": self.people,
            "group": self.group,
        }


def add_win(
    store: Store,
    text: str,
    *,
    now: datetime,
    when: datetime | None = None,
    people: list[str] | None = None,
    group: str | None = None,
    logged_by: str | None = None,
) -> Win:
    text = required(text, "win")
    from keepgoing.core.groups import group_ref

    with store.write():
        group_id, group_name = group_ref(store, group)
        resolved = list({p.id: p for p in (find_person(store, name) for name in people or [])}.values())
        win_id = store.insert(
            "INSERT INTO win (text, occurred_at, group_id, logged_by, created_at) "
            "VALUES (:t, :at, :g, :by, :now) RETURNING id",
            {"t": text, "at": when or now, "g": group_id, "by": logged_by, "now": now},
        )
        for person in resolved:
            store.run(
                "INSERT INTO win_person (win_id, person_id) VALUES (:w, :p)", {"w": win_id, "p": person.id}
            )
    return Win(win_id, text, when or now, [p.name for p in resolved], group_name, resolved)


def list_wins(store: Store, *, since: datetime | None = None) -> list[Win]:
    params: dict[str, Any] = {}
    where = ""
    if since is not None:
        where = " WHERE w.occurred_at >= :since"
        params["since"] = since
    wins: dict[int, Win] = {}
    for row in store.rows(
        "SELECT w.id, w.text, w.occurred_at, g.name AS group_name, p.name FROM win w "
        "LEFT JOIN community_group g ON g.id = w.group_id LEFT JOIN win_person wp ON wp.win_id = w.id "
        f"LEFT JOIN person p ON p.id = wp.person_id{where} ORDER BY w.occurred_at DESC, w.id DESC, p.name_key",
        params,
    ):
        win = wins.setdefault(
            row["id"], Win(row["id"], row["text"], stored_instant(row["occurred_at"]), [], row["group_name"])
        )
        if row["name"]:
            win.people.append(row["name"])
    return list(wins.values())
