"""Groups that meet (a walking group, a peer-support circle), their members and sessions.

A session is a conversation with `group_id` set; the people in it are those
who came. Members who came before but have missed the last few sessions are
worth a check-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keepgoing.core.matching import find_person, match_tier
from keepgoing.core.person import iso
from keepgoing.errors import Ambiguous, BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant
from keepgoing.text import clean_name, name_key, require_letter

MISSED_TO_NOTICE = 3  # sessions in a row a regular has missed before we mention it


@dataclass
class Group:
    """A community group: how often it meets, how, and who belongs to it."""

    id: int
    name: str
    cadence_days: int | None
    created_at: datetime
    members: list[str] = field(default_factory=list)
    # How the group meets; None is in person.
    via: str | None = None


@dataclass
class Session:
    """One meeting of a group: when, who came and the note written about it."""

    id: int
    when: datetime
    present: list[str]
    note: str | None
    # Each person's own wellbeing score, by name (those who gave one).
    scores: dict[str, int] = field(default_factory=dict)


@dataclass
class GroupDetail:
    """A group with its sessions, newest first, who came how often, and who has stopped coming."""

    group: Group
    sessions: list[Session]
    attendance: dict[str, int]
    stopped_coming: list[str]
    # Those who came without being members (they are in `attendance` too).
    visitors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "group",
            "id": self.group.id,
            "name": self.group.name,
            "cadence_days": self.group.cadence_days,
            "via": self.group.via or "cuppa",
            "members": self.group.members,
            "sessions": [
                {
                    "id": s.id,
                    "when": iso(s.when),
                    "present": s.present,
                    "visitors": [name for name in s.present if name in self.visitors],
                    "note": s.note,
                    "scores": s.scores,
                }
                for s in self.sessions
            ],
            "attendance": self.attendance,
            "visitors": self.visitors,
            "stopped_coming": self.stopped_coming,
        }


def _group(row: Any) -> Group:
    return Group(
        row["id"], row["name"], row["cadence_days"], stored_instant(row["created_at"]), via=row["via"]
    )


def find_group(store: Store, query: str) -> Group:
    key = name_key(query)
    if not key:
        raise BadInput("A group name cannot be empty.")
    require_letter(key, "A group name")
    rows = store.rows("SELECT id, name, name_key, cadence_days, created_at, via FROM community_group")
    for tier in range(3):  # the best tier any group reaches decides, as for people
        found = [r for r in rows if match_tier(key, r["name_key"]) == tier]
        if len(found) == 1:
            return _group(found[0])
        if found:
            names = sorted(r["name"] for r in found)
            raise Ambiguous(
                f'"{query.strip()}" could be {len(names)} groups: {", ".join(names)}.', names, query
            )
    raise NotFound(f'No group called "{query.strip()}". Add it with keepgoing group add.')


def group_ref(store: Store, query: str | None) -> tuple[int | None, str | None]:
    """(id, name) of the group `query` names, or (None, None) when there is none."""
    if query is None:
        return None, None
    found = find_group(store, query)
    return found.id, found.name


def add_group(
    store: Store,
    name: str,
    *,
    now: datetime,
    cadence_days: int | None = None,
    members: list[str] | None = None,
    via: str | None = None,
) -> Group:
    """A group that meets `via` a channel (in person when None)."""
    from keepgoing.core.channels import parse_channel

    name = clean_name(name, "group name")
    via = parse_channel(via) if via else None
    with store.write():
        if store.row("SELECT id FROM community_group WHERE name_key = :k", {"k": name_key(name)}):
            raise BadInput(f'There is already a group called "{name}".')
        group_id = store.insert(
            "INSERT INTO community_group (name, name_key, cadence_days, created_at, via) "
            "VALUES (:n, :k, :c, :now, :via) RETURNING id",
            {"n": name, "k": name_key(name), "c": cadence_days, "now": now, "via": via},
        )
        if members:
            join_group(store, name, members, now=now)
        return get_group(store, group_id)


def get_group(store: Store, group_id: int) -> Group:
    group = _group(
        store.row(
            "SELECT id, name, cadence_days, created_at, via FROM community_group WHERE id = :id",
            {"id": group_id},
        )
    )
    group.members = [
        r["name"]
        for r in store.rows(
            "SELECT p.name FROM group_member m JOIN person p ON p.id = m.person_id WHERE m.group_id = :g "
            "ORDER BY p.name_key",
            {"g": group_id},
        )
    ]
    return group


def join_group(store: Store, group: str, names: list[str], *, now: datetime) -> list[str]:
    with store.write():
        found = find_group(store, group)
        added = []
        for name in names:
            person = find_person(store, name)
            if not store.row(
                "SELECT 1 AS x FROM group_member WHERE group_id = :g AND person_id = :p",
                {"g": found.id, "p": person.id},
            ):
                store.run(
                    "INSERT INTO group_member (group_id, person_id, joined_at) VALUES (:g, :p, :now)",
                    {"g": found.id, "p": person.id, "now": now},
                )
                added.append(person.name)
        return added


def leave_group(store: Store, group: str, names: list[str]) -> list[str]:
    with store.write():
        found = find_group(store, group)
        removed = []
        for name in names:
            person = find_person(store, name)
            if not store.run(
                "DELETE FROM group_member WHERE group_id = :g AND person_id = :p",
                {"g": found.id, "p": person.id},
            ):
                raise BadInput(f"{person.name} is not a member of {found.name}.")
            removed.append(person.name)
        return removed


def list_groups(store: Store) -> list[Group]:
    groups = [
        _group(r)
        for r in store.rows(
            "SELECT id, name, cadence_days, created_at, via FROM community_group WHERE archived_at IS NULL ORDER BY name_key"
        )
    ]
    return [get_group(store, g.id) for g in groups]


def group_detail(store: Store, query: str) -> GroupDetail:
    with store.read():
        group = get_group(store, find_group(store, query).id)
        sessions: dict[int, Session] = {}
        for row in store.rows(
            "SELECT c.id, c.occurred_at, c.note, p.name, cp.wellbeing FROM conversation c "
            "LEFT JOIN conversation_person cp ON cp.conversation_id = c.id LEFT JOIN person p ON p.id = cp.person_id "
            "WHERE c.group_id = :g ORDER BY c.occurred_at DESC, c.id DESC, p.name_key",
            {"g": group.id},
        ):
            session = sessions.setdefault(
                row["id"], Session(row["id"], stored_instant(row["occurred_at"]), [], row["note"])
            )
            if row["name"]:
                session.present.append(row["name"])
                if row["wellbeing"] is not None:
                    session.scores[row["name"]] = row["wellbeing"]
    ordered = list(sessions.values())
    came = {name for s in ordered for name in s.present}
    members = set(group.members)
    visitors = sorted(came - members, key=str.casefold)
    # Everyone who came counts, visitors too; members who never came show as 0.
    attendance = {name: sum(name in s.present for s in ordered) for name in [*group.members, *visitors]}
    recent = ordered[:MISSED_TO_NOTICE]
    stopped = [
        name
        for name in group.members
        if len(recent) == MISSED_TO_NOTICE and attendance[name] and not any(name in s.present for s in recent)
    ]
    return GroupDetail(group, ordered, attendance, stopped, visitors)
