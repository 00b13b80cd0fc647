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
from keepgoing.storage.columns import COLUMNS, DAYS, INSTANTS

# 2 added consent, feelings, notes, ideas, groups and wins; version 1 files still import.
FORMAT_VERSION = 2


def _dump(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)


# A person's fields in the file: the table's columns in order (storage/columns.py, from
# the models), less what keepgoing works out again from the history on import.
NOT_EXPORTED = frozenset(("name_key", "last_contact_via", "due_on", "version", "updated_by"))
PERSON_EXPORT = tuple(c for c in COLUMNS["person"] if c not in NOT_EXPORTED)


def person_object(row: Any, aliases: list[str], tags: list[str], selection: Selection) -> dict[str, Any]:
    """A person as exported: private details and notes as the selection allows, aliases and tags after the name."""
    shown: dict[str, Callable[[Any], Any]] = {
        "name": lambda name: selection.name(row["id"], name),
        "phone": selection.private,
        "email": selection.private,
        "note": selection.text,
        "consent_note": selection.text,
        "pause_reason": selection.text,
    }
    item: dict[str, Any] = {}
    for column in PERSON_EXPORT:
        value = row[column]
        if column in shown:
            value = shown[column](value)
        elif ("person", column) in INSTANTS:
            value = iso_instant(value)
        elif ("person", column) in DAYS:
            value = iso_day(value)
        item[column] = value
        if column == "name":
            item["aliases"] = selection.private(aliases) or []
            item["tags"] = tags
    return item


def write_json(
    store: Store,
    out: TextIO,
    selection: Selection,
    *,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    """Stream the selection to `out` as one JSON document; returns counts written."""
    counts = {
        "people": 0,
        "conversations": 0,
        "follow_ups": 0,
        "notes": 0,
        "ideas": 0,
        "groups": 0,
        "wins": 0,
        "measures": 0,
        "measure_scores": 0,
    }
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
    # Each person's own score in a group session: conversation id -> {person id: score}.
    own_scores: dict[int, dict[int, int]] = {}
    for score in store.stream(
        "SELECT conversation_id, person_id, wellbeing FROM conversation_person WHERE wellbeing IS NOT NULL"
    ):
        own_scores.setdefault(score["conversation_id"], {})[score["person_id"]] = score["wellbeing"]
    for row, present in conversations_with_people(store, selection):
        item = {
            "id": row["id"],
            "when": iso_instant(row["occurred_at"]),
            "via": row["via"],
            "note": selection.text(row["note"]),
            "wellbeing": row["wellbeing"],
            "logged_by": row["logged_by"],
            "created_at": iso_instant(row["created_at"]),
            "feeling": row["feeling"],
            "group_id": row["group_id"],
            "amended_by": row["amended_by"],
            "amended_at": iso_instant(row["amended_at"]),
            "time_given": bool(row["time_given"]),
            "reached": bool(row["reached"]),
            "private": bool(row["private"]),
            "person_ids": [pid for pid, _, _ in present if pid in selected or not selection.filters_people],
            "people": [
                selection.name(pid, name)
                for pid, name, _ in present
                if pid in selected or not selection.filters_people
            ],
            # Each person's own wellbeing in a group session (the one score above is then null).
            "scores": [
                {"person_id": pid, "person": selection.name(pid, name), "wellbeing": own[pid]}
                for own in [own_scores.get(row["id"], {})]
                for pid, name, _ in present
                if pid in own and (pid in selected or not selection.filters_people)
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
            "logged_by": row["logged_by"],
            "worker": row["worker"],
            "cancelled_at": iso_instant(row["cancelled_at"]),
            "cancelled_by": row["cancelled_by"],
            "private": bool(row["private"]),
        }
        out.write(("," if counts["follow_ups"] else "") + "\n  " + _dump(item))
        counts["follow_ups"] += 1
        tick()
    out.write("\n]")
    _write_coproduction(store, out, selection, selected, counts, tick)
    _write_measures(store, out, selection, selected, counts, tick)
    if selection.monitoring:
        from keepgoing.core.monitoring import export_objects

        counts["monitoring"] = 0
        where, params = selection.person_where("p")
        _section(out, "monitoring", export_objects(store, where, params, selection.name), counts, tick)
    out.write("}\n")
    # The summary names what a store of wellbeing measures holds; others' exports read as before.
    return {k: n for k, n in counts.items() if n or k not in ("measures", "measure_scores")}


def _section(out: TextIO, name: str, items: Any, counts: dict[str, int], tick: Callable[[], None]) -> None:
    out.write(f', "{name}": [')
    for item in items:
        out.write(("," if counts[name] else "") + "\n  " + _dump(item))
        counts[name] += 1
        tick()
    out.write("\n]")


def _write_coproduction(
    store: Store,
    out: TextIO,
    selection: Selection,
    selected: set[int],
    counts: dict[str, int],
    tick: Callable[[], None],
) -> None:
    """Notes, ideas, groups and wins: the parts of the story beyond conversations."""
    where, params = selection.person_where("p")
    notes = (
        {
            "id": r["id"],
            "person_id": r["person_id"],
            "person": selection.name(r["person_id"], r["name"]),
            "text": selection.text(r["text"]),
            "created_at": iso_instant(r["created_at"]),
            "logged_by": r["logged_by"],
            "private": bool(r["private"]),
        }
        for r in store.stream(
            "SELECT n.id, n.person_id, p.name, n.text, n.created_at, n.logged_by, n.private "
            "FROM person_note n JOIN person p ON p.id = n.person_id "
            f"WHERE {where} ORDER BY n.id",
            params,
        )
    )
    _section(out, "notes", notes, counts, tick)
    ideas = (
        {
            "id": r["id"],
            "person_id": r["person_id"],
            "person": selection.name(r["person_id"], r["name"]) if r["person_id"] is not None else None,
            "conversation_id": r["conversation_id"],
            "group_id": r["group_id"],
            "text": selection.text(r["text"]),
            "status": r["status"],
            "outcome": selection.text(r["outcome"]),
            "created_at": iso_instant(r["created_at"]),
            "updated_at": iso_instant(r["updated_at"]),
            "told_at": iso_instant(r["told_at"]),
            "told_by": r["told_by"],
        }
        for r in store.stream(
            "SELECT i.*, p.name FROM idea i LEFT JOIN person p ON p.id = i.person_id "
            f"WHERE {where if selection.filters_people else '1 = 1'} ORDER BY i.id",
            params,
        )
    )
    _section(out, "ideas", ideas, counts, tick)
    members = grouped(
        store, "SELECT m.group_id AS pid, m.person_id AS value FROM group_member m ORDER BY m.person_id"
    )
    names = {r["id"]: r["name"] for r in store.stream("SELECT id, name FROM person")}
    visible = selected if selection.filters_people else set(names)

    def group_object(r: Any) -> dict[str, Any]:
        ids = [pid for pid in members.get(r["id"], []) if pid in visible]
        return {
            "id": r["id"],
            "name": selection.group(r["id"], r["name"]),
            "cadence_days": r["cadence_days"],
            "via": r["via"],
            "created_at": iso_instant(r["created_at"]),
            "archived_at": iso_instant(r["archived_at"]),
            "member_ids": ids,
            "members": [selection.name(pid, names[pid]) for pid in ids],
        }

    _section(
        out,
        "groups",
        (group_object(r) for r in store.stream("SELECT * FROM community_group ORDER BY id")),
        counts,
        tick,
    )
    present = grouped(store, "SELECT win_id AS pid, person_id AS value FROM win_person ORDER BY person_id")

    def win_objects() -> Any:
        for r in store.stream("SELECT * FROM win ORDER BY id"):
            ids = [pid for pid in present.get(r["id"], []) if pid in visible]
            if selection.filters_people and not ids:
                continue
            yield {
                "id": r["id"],
                "text": selection.text(r["text"]),
                "when": iso_instant(r["occurred_at"]),
                "group_id": r["group_id"],
                "logged_by": r["logged_by"],
                "created_at": iso_instant(r["created_at"]),
                "person_ids": ids,
                "people": [selection.name(pid, names[pid]) for pid in ids],
            }

    _section(out, "wins", win_objects(), counts, tick)


def _write_measures(
    store: Store,
    out: TextIO,
    selection: Selection,
    selected: set[int],
    counts: dict[str, int],
    tick: Callable[[], None],
) -> None:
    """The organisation's own measures (ONS4 is built in), and every score of the selection's conversations."""
    from keepgoing.core.measures import export_measures, export_scores

    _section(out, "measures", export_measures(store), counts, tick)
    where, params = selection.conversation_where("c")
    scores = export_scores(
        store, f"s.conversation_id IN (SELECT c.id FROM conversation c WHERE {where})", params
    )

    def visible() -> Any:
        for score in scores:
            if selection.filters_people and score["person_id"] not in selected:
                continue
            score["person"] = selection.name(score["person_id"], score["person"])
            yield score

    _section(out, "measure_scores", visible(), counts, tick)
