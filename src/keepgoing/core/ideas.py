"""Ideas people shared, and what became of them, so that they can see they were heard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_datetime, stored_instant
from keepgoing.text import optional, required

STATUSES = ("open", "in-progress", "taken-up", "parked", "not-taken-up")
STILL_OPEN = ("open", "in-progress")
# An idea has an outcome once it is decided: the person who raised it can be told what became of it.
OUTCOMES = tuple(s for s in STATUSES if s not in STILL_OPEN)
_OUTCOME_LIST = ", ".join(f"'{s}'" for s in OUTCOMES)
# Decided, its author still in the store, and nobody has told them yet.
UNTOLD = f"i.status IN ({_OUTCOME_LIST}) AND i.told_at IS NULL AND i.person_id IS NOT NULL"


@dataclass
class Idea:
    """An idea a person (or a group) shared, and what became of it."""

    id: int
    # None once the person who raised it was forgotten (an idea the organisation kept).
    person_id: int | None
    person: str | None
    text: str
    status: str
    outcome: str | None
    created_at: datetime
    updated_at: datetime
    conversation_id: int | None
    # The group it was raised in, when it is credited to the group rather than to one person.
    group: str | None = None

    @property
    def raised_by(self) -> str | None:
        """Who it is credited to: the person, else the group (None: kept after a forget)."""
        return self.person if self.person is not None else self.group

    told_at: datetime | None = None  # when the person who raised it was told what became of it
    told_by: str | None = None

    @property
    def untold(self) -> bool:
        """Decided, and the person who raised it (still in the store) has not been told."""
        return self.status in OUTCOMES and self.told_at is None and self.person_id is not None

    def to_json(self) -> dict[str, Any]:
        from keepgoing.core.person import iso

        return {
            "id": self.id,
            "person": self.person,
            "person_id": self.person_id,
            "text": self.text,
            "status": self.status,
            "outcome": self.outcome,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "conversation_id": self.conversation_id,
            "group": self.group,
            "told_at": iso(self.told_at) if self.told_at else None,
            "told_by": self.told_by,
        }


SELECT = (
    "SELECT i.id, i.person_id, p.name AS person, i.text, i.status, i.outcome, i.created_at, i.updated_at, "
    "i.conversation_id, g.name AS group_name, i.told_at, i.told_by FROM idea i "
    "LEFT JOIN person p ON p.id = i.person_id LEFT JOIN community_group g ON g.id = i.group_id"
)


def _from_row(row: Any) -> Idea:
    return Idea(
        row["id"],
        row["person_id"],
        row["person"],
        row["text"],
        row["status"],
        row["outcome"],
        stored_instant(row["created_at"]),
        stored_instant(row["updated_at"]),
        row["conversation_id"],
        row["group_name"],
        as_datetime(row["told_at"]),
        row["told_by"],
    )


def check_status(status: str) -> str:
    value = "-".join(status.strip().casefold().replace("_", " ").split())
    if value not in STATUSES:
        raise BadInput(f'Status is one of {", ".join(STATUSES)}; not "{status}".')
    return value


def add_idea(
    store: Store,
    person_id: int | None,
    text: str,
    *,
    now: datetime,
    conversation_id: int | None = None,
    group_id: int | None = None,
) -> int:
    """An open idea, credited to a person, or (with `person_id` None) to the group it was raised in."""
    text = required(text, "idea")
    return store.insert(
        "INSERT INTO idea (person_id, conversation_id, group_id, text, status, created_at, updated_at) "
        "VALUES (:p, :c, :g, :t, 'open', :now, :now) RETURNING id",
        {"p": person_id, "c": conversation_id, "g": group_id, "t": text, "now": now},
    )


def idea_from(store: Store, query: str, text: str, *, now: datetime) -> tuple[str, int, str]:
    """`idea add NAME TEXT`: an idea someone shared outside a logged conversation (who, number, words)."""
    from keepgoing.core.matching import find_person

    text = required(text, "idea")
    with store.write():
        person = find_person(store, query)
        return person.name, add_idea(store, person.id, text, now=now), text


def list_ideas(
    store: Store, *, open_only: bool = False, untold: bool = False, person_id: int | None = None
) -> list[Idea]:
    """Newest first; `open_only`: still open or in progress; `untold`: decided, nobody told them yet."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if open_only:
        conditions.append("i.status IN ('open', 'in-progress')")
    if untold:
        conditions.append(UNTOLD)
    if person_id is not None:
        conditions.append("i.person_id = :pid")
        params["pid"] = person_id
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return [
        _from_row(r) for r in store.rows(f"{SELECT}{where} ORDER BY i.created_at DESC, i.id DESC", params)
    ]


def count_untold(store: Store) -> tuple[int, int]:
    """Ideas with an outcome nobody has reported back yet, and how many people are waiting to hear."""
    row = store.row(
        f"SELECT count(*) AS ideas, count(DISTINCT i.person_id) AS people FROM idea i WHERE {UNTOLD}"
    )
    return (int(row["ideas"]), int(row["people"])) if row else (0, 0)


def _check_telling(before: Idea, status: str, moment: datetime) -> None:
    """An idea's author can be told at `moment` what became of it: they are known, it has an outcome,
    and it was shared by then."""
    if before.person_id is None:
        raise BadInput(f"Idea #{before.id}'s author was forgotten: there is nobody to tell.")
    if status in STILL_OPEN:
        raise BadInput(
            f"Idea #{before.id} is still {status}: record what became "
            f"of it (--status {', '.join(OUTCOMES)}) before --told."
        )
    if moment.astimezone().date() < before.created_at.astimezone().date():
        raise BadInput(f"Idea #{before.id} was shared after that day; nothing was changed.")


def update_idea(
    store: Store,
    idea_id: int,
    *,
    status: str | None,
    outcome: str | None,
    now: datetime,
    told: bool = False,
    told_at: datetime | None = None,
    told_by: str | None = None,
) -> tuple[Idea, list[str]]:
    """Change an idea's status or outcome, or record that its author was told what became of it.

    Also returns what changed ("status", "outcome", "told", "untold"; none: nothing written).
    A new status means the person has not heard it yet: it clears an earlier "told" unless
    `told` is given too. `told_at`: when they were told, if not now.
    """
    if status is None and outcome is None and not told:
        raise BadInput("Give --status, --note, --told or more than one.")
    moment = told_at or now
    if told and moment > now:
        raise BadInput("That is in the future; give the day they were told.")
    with store.write():
        row = store.row(f"{SELECT} WHERE i.id = :id", {"id": idea_id})
        if row is None:
            raise NotFound(f"There is no idea number {idea_id}; see keepgoing ideas.")
        given: dict[str, Any] = {}
        if status is not None:
            given["status"] = check_status(status)
        if outcome is not None:
            given["outcome"] = optional(outcome, "outcome")
        before = _from_row(row)
        changed = [column for column, value in given.items() if getattr(before, column) != value]
        fields: dict[str, Any] = {c: given[c] for c in changed}
        if told:
            _check_telling(before, given.get("status", before.status), moment)
            if (
                before.told_at is None
                or "status" in changed
                or (told_at is not None and before.told_at != told_at)
            ):
                fields.update(told_at=moment, told_by=told_by)
                changed.append("told")
        elif "status" in changed and before.told_at is not None:
            fields.update(told_at=None, told_by=None)
            changed.append("untold")
        if not changed:
            return before, []
        fields["updated_at"] = now
        store.run(
            f"UPDATE idea SET {', '.join(f'{k} = :{k}' for k in fields)} WHERE id = :id",
            {**fields, "id": idea_id},
        )
        return _from_row(store.row(f"{SELECT} WHERE i.id = :id", {"id": idea_id})), changed
