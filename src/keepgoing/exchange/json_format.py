"""keepgoing's own JSON: the complete, lossless store, and reading it back.

    {"format_version": 1, "app": "keepgoing 0.1.0", "exported_at": "...",
     "people": [...], "conversations": [...], "follow_ups": [...]}

Each item is a plain object with its fields by name; people carry a stable
`id` that conversations and follow-ups refer to (with names alongside, so a
file can be read and edited by hand). Instants are UTC ISO 8601 with full
precision, so that export -> import -> export gives the same content.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from keepgoing import __version__
from keepgoing.exchange.selection import (
    Selection,
    conversations_with_people,
    grouped,
    iso_day,
    iso_instant,
    people_rows,
)
from keepgoing.storage import Store

FORMAT_VERSION = 1


def _dump(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)


def person_object(row: Any, aliases: list[str], tags: list[str], selection: Selection) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": selection.name(row["id"], row["name"]),
        "aliases": selection.private(aliases) or [],
        "tags": tags,
        "organisation": row["organisation"],
        "role": row["role"],
        "phone": selection.private(row["phone"]),
        "email": selection.private(row["email"]),
        "prefers": row["prefers"],
        "note": selection.text(row["note"]),
        "cadence_days": row["cadence_days"],
        "created_at": iso_instant(row["created_at"]),
        "updated_at": iso_instant(row["updated_at"]),
        "last_contact_at": iso_instant(row["last_contact_at"]),
        "paused_until": iso_day(row["paused_until"]),
        "archived_at": iso_instant(row["archived_at"]),
    }


def write_json(
    store: Store,
    out: TextIO,
    selection: Selection,
    *,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    """Stream the selection to `out` as one JSON document; returns counts written."""
    counts = {"people": 0, "conversations": 0, "follow_ups": 0}
    header = {
        "format_version": FORMAT_VERSION,
        "app": f"keepgoing {__version__}",
        "exported_at": now.astimezone(UTC).isoformat(),
        "anonymised": selection.anonymise,
    }
    out.write(_dump(header)[:-1])
    aliases = grouped(store, "SELECT person_id AS pid, alias AS value FROM alias ORDER BY alias_key")
    tags = grouped(store, "SELECT person_id AS pid, tag AS value FROM person_tag ORDER BY tag")
    selected: set[int] = set()
    out.write(', "people": [')
    for row in people_rows(store, selection):
        item = person_object(row, aliases.get(row["id"], []), tags.get(row["id"], []), selection)
        out.write(("," if counts["people"] else "") + "\n  " + _dump(item))
        selected.add(row["id"])
        counts["people"] += 1
        tick()
    out.write('\n], "conversations": [')
    for row, present in conversations_with_people(store, selection):
        item = {
            "id": row["id"],
            "when": iso_instant(row["occurred_at"]),
            "via": row["via"],
            "note": selection.text(row["note"]),
            "wellbeing": row["wellbeing"],
            "logged_by": row["logged_by"],
            "created_at": iso_instant(row["created_at"]),
            "person_ids": [pid for pid, _, _ in present if pid in selected or not selection.filters_people],
            "people": [
                selection.name(pid, name)
                for pid, name, _ in present
                if pid in selected or not selection.filters_people
            ],
        }
        out.write(("," if counts["conversations"] else "") + "\n  " + _dump(item))
        counts["conversations"] += 1
        tick()
    out.write('\n], "follow_ups": [')
    where, params = selection.person_where("p")
    for row in store.stream(
        "SELECT f.*, p.name AS person_name FROM follow_up f JOIN person p ON p.id = f.person_id "
        f"WHERE {where} ORDER BY f.id",
        params,
    ):
        item = {
            "id": row["id"],
            "person_id": row["person_id"],
            "person": selection.name(row["person_id"], row["person_name"]),
            "conversation_id": row["conversation_id"],
            "text": selection.text(row["text"]),
            "due": iso_day(row["due_on"]),
            "created_at": iso_instant(row["created_at"]),
            "done_at": iso_instant(row["done_at"]),
        }
        out.write(("," if counts["follow_ups"] else "") + "\n  " + _dump(item))
        counts["follow_ups"] += 1
        tick()
    out.write("\n]}\n")
    return counts
