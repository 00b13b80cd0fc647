"""Follow-ups: the small promises made in a conversation ("send the minutes")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from keepgoing.core.person import label
from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_date, as_datetime, stored_instant
from keepgoing.text import required

SELECT = (
    "SELECT f.id, f.person_id, p.name AS person, p.name_key AS person_key, p.organisation AS person_org, f.text, f.due_on, f.created_at, f.done_at, "
    "f.conversation_id, f.logged_by, f.worker, f.cancelled_at, f.cancelled_by, CASE WHEN p.consent = 'withdrawn' THEN 1 ELSE 0 END AS withdrawn "
    "FROM follow_up f JOIN person p ON p.id = f.person_id"
)
# Neither done nor cancelled: what `due`, `followups` and the calendar list.
OPEN = "f.done_at IS NULL AND f.cancelled_at IS NULL"


@dataclass
class FollowUp:
    """Something promised to someone: when it is due, and whether it was done or cancelled."""

    id: int
    person_id: int
    person: str
    text: str
    due_on: date | None
    created_at: datetime
    done_at: datetime | None = None
    conversation_id: int | None = None
    # The person has withdrawn consent to be contacted: think before acting on this.
    consent_withdrawn: bool = False
    logged_by: str | None = None
    # Whose job it is (in a team store); handed over with the person.
    worker: str | None = None
    # Cancelled: it no longer stands, kept with when and by whom.
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    # How the person is shown: "John Smith (Food bank)" when they share their name (`person.label`).
    person_label: str = ""

    def __post_init__(self) -> None:
        self.person_label = self.person_label or self.person

    @property
    def status(self) -> str:
        """open, done or cancelled."""
        return "cancelled" if self.cancelled_at else "done" if self.done_at else "open"

    @classmethod
    def from_row(cls, row: Any) -> FollowUp:
        return cls(
            id=row["id"],
            person_id=row["person_id"],
            person=row["person"],
            text=row["text"],
            due_on=as_date(row["due_on"]),
            created_at=stored_instant(row["created_at"]),
            done_at=as_datetime(row["done_at"]),
            conversation_id=row["conversation_id"],
            consent_withdrawn=bool(row["withdrawn"]),
            logged_by=row["logged_by"],
            worker=row["worker"],
            cancelled_at=as_datetime(row["cancelled_at"]),
            cancelled_by=row["cancelled_by"],
            person_label=label(row["person"], row["person_key"], row["person_org"]),
        )

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on is not None and self.due_on < today

    def to_json(self, today: date) -> dict[str, Any]:
        from keepgoing.core.person import iso

        return {
            "id": self.id,
            "person": self.person,
            "person_label": self.person_label,
            "person_id": self.person_id,
            "text": self.text,
            "due": self.due_on.isoformat() if self.due_on else None,
            "overdue": self.is_overdue(today),
            "done": self.done_at is not None,
            "done_at": iso(self.done_at),
            "status": self.status,
            "cancelled_at": iso(self.cancelled_at),
            "cancelled_by": self.cancelled_by,
            "created_at": iso(self.created_at),
            "conversation_id": self.conversation_id,
            "consent_withdrawn": self.consent_withdrawn,
            "logged_by": self.logged_by,
            "worker": self.worker,
        }


def add_follow_up(
    store: Store,
    person_id: int,
    text: str,
    *,
    due_on: date | None,
    now: datetime,
    conversation_id: int | None = None,
    logged_by: str | None = None,
    private: bool = False,
) -> int:
    """A promise made to someone; it is the job of whoever made it (`logged_by`)."""
    text = required(text, "follow-up")
    return store.insert(
        "INSERT INTO follow_up (person_id, conversation_id, text, due_on, created_at, logged_by, worker, private) "
        "VALUES (:p, :c, :t, :d, :now, :by, :by, :private) RETURNING id",
        {
            "p": person_id,
            "c": conversation_id,
            "t": text,
            "d": due_on,
            "now": now,
            "by": logged_by,
            "private": private,
        },
    )


def promise(
    store: Store,
    query: str,
    text: str,
    *,
    due_on: date | None,
    now: datetime,
    logged_by: str | None = None,
    private: bool = False,
) -> FollowUp:
    """`followup add NAME TEXT`: a promise to someone that did not come from a conversation."""
    from keepgoing.core.matching import find_person

    text = required(text, "follow-up")
    with store.write():
        person = find_person(store, query)
        follow_up_id = add_follow_up(
            store, person.id, text, due_on=due_on, now=now, logged_by=logged_by, private=private
        )
        return get_follow_up(store, follow_up_id)


# A follow-up is someone's when it is theirs, or nobody's and the person is in their caseload.
FOLLOW_UP_OF_WORKER = (
    "COALESCE(f.worker, (SELECT wp.worker FROM person wp WHERE wp.id = f.person_id)) = :worker"
)


def open_follow_ups(
    store: Store,
    *,
    due_by: date | None = None,
    person_id: int | None = None,
    tag: str | None = None,
    limit: int | None = None,
    worker: str | None = None,
) -> list[FollowUp]:
    """Open follow-ups, soonest due first (those with no date last); `worker`: only theirs."""
    conditions: list[str] = [OPEN]
    params: dict[str, Any] = {}
    if due_by is not None:
        conditions.append("f.due_on <= :due_by")
        params["due_by"] = due_by
    if person_id is not None:
        conditions.append("f.person_id = :pid")
        params["pid"] = person_id
    if tag is not None:
        conditions.append("f.person_id IN (SELECT person_id FROM person_tag WHERE tag = :tag)")
        params["tag"] = tag
    if worker is not None:
        conditions.append(FOLLOW_UP_OF_WORKER)
        params["worker"] = worker
    sql = f"{SELECT} WHERE {' AND '.join(conditions)} ORDER BY f.due_on ASC NULLS LAST, f.id ASC"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [FollowUp.from_row(row) for row in store.rows(sql, params)]


def count_open(store: Store, *, due_by: date, tag: str | None = None, worker: str | None = None) -> int:
    sql = f"SELECT count(*) AS n FROM follow_up f WHERE {OPEN} AND f.due_on <= :due_by"
    params: dict[str, Any] = {"due_by": due_by}
    if tag is not None:
        sql += " AND f.person_id IN (SELECT person_id FROM person_tag WHERE tag = :tag)"
        params["tag"] = tag
    if worker is not None:
        sql += f" AND {FOLLOW_UP_OF_WORKER}"
        params["worker"] = worker
    return int(store.value(sql, params))


def follow_ups_for(store: Store, person_id: int) -> list[FollowUp]:
    """All of a person's follow-ups: open ones first, then done or cancelled, newest first."""
    rows = store.rows(
        f"{SELECT} WHERE f.person_id = :pid ORDER BY ({OPEN}) DESC, "
        "f.due_on ASC NULLS LAST, coalesce(f.done_at, f.cancelled_at) DESC, f.id ASC",
        {"pid": person_id},
    )
    return [FollowUp.from_row(row) for row in rows]


def get_follow_up(store: Store, follow_up_id: int) -> FollowUp:
    row = store.row(f"{SELECT} WHERE f.id = :id", {"id": follow_up_id})
    if row is None:
        raise NotFound(f"There is no follow-up number {follow_up_id}; see keepgoing followups.")
    return FollowUp.from_row(row)


def finished_follow_ups(store: Store, *, cancelled: bool = True, limit: int | None = None) -> list[FollowUp]:
    """Done (and, with `cancelled`, cancelled) follow-ups, most recently finished first."""
    condition = "f.done_at IS NOT NULL" + (" OR f.cancelled_at IS NOT NULL" if cancelled else "")
    sql = f"{SELECT} WHERE {condition} ORDER BY coalesce(f.done_at, f.cancelled_at) DESC, f.id DESC"
    params: dict[str, Any] = {}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [FollowUp.from_row(row) for row in store.rows(sql, params)]


def complete_follow_up(store: Store, follow_up_id: int, *, now: datetime) -> FollowUp:
    return complete_follow_ups(store, [follow_up_id], now=now)[0]


def complete_follow_ups(
    store: Store, follow_up_ids: list[int], *, now: datetime, when: datetime | None = None
) -> list[FollowUp]:
    """Mark several follow-ups done together: all of them, or (any unknown, done or cancelled) none.

    `when`: the moment it was done, if not now (never after now, never before it was made).
    """
    done_at = when or now
    if done_at > now:
        raise BadInput("That is in the future; give the day it was done.")
    with store.write():
        found = [_existing(store, follow_up_id) for follow_up_id in dict.fromkeys(follow_up_ids)]
        for follow_up in found:
            if follow_up.status != "open":
                raise BadInput(f"Follow-up {follow_up.id} is already {follow_up.status}; nothing was marked.")
            if done_at.astimezone().date() < _made_on(store, follow_up):
                raise BadInput(f"Follow-up {follow_up.id} was made after that day; nothing was marked.")
        for follow_up in found:
            store.run(
                "UPDATE follow_up SET done_at = :at WHERE id = :id", {"at": done_at, "id": follow_up.id}
            )
        return [get_follow_up(store, follow_up.id) for follow_up in found]


def _made_on(store: Store, follow_up: FollowUp) -> date:
    """The day a promise was made: its conversation's (which may be back-dated), else when it was written."""
    made = follow_up.created_at
    if follow_up.conversation_id is not None:
        at = store.value(
            "SELECT occurred_at FROM conversation WHERE id = :c", {"c": follow_up.conversation_id}
        )
        if at is not None:
            made = min(made, stored_instant(at))
    return made.astimezone().date()


def reopen_follow_up(store: Store, follow_up_id: int) -> FollowUp:
    """A done or cancelled follow-up stands again (its due day as it was)."""
    with store.write():
        before = _existing(store, follow_up_id)
        if before.status == "open":
            raise BadInput(f"Follow-up {follow_up_id} is still open; nothing changed.")
        store.run(
            "UPDATE follow_up SET done_at = NULL, cancelled_at = NULL, cancelled_by = NULL WHERE id = :id",
            {"id": follow_up_id},
        )
        return get_follow_up(store, follow_up_id)


def _existing(store: Store, follow_up_id: int) -> FollowUp:
    if not 0 < follow_up_id < 2**63:
        raise NotFound(f"There is no follow-up number {follow_up_id}; see keepgoing followups.")
    return get_follow_up(store, follow_up_id)


@dataclass
class FollowUpChange:
    """What editing a follow-up changed, for the echo."""

    follow_up: FollowUp
    changes: list[str]
    cancelled: bool = False


def _cancel(
    store: Store, before: FollowUp, *, worker: str | None, force: bool, now: datetime | None
) -> FollowUpChange:
    """Cancel an open follow-up (kept, as cancelled): a colleague's only with `force`."""
    from keepgoing.core.workers import check_colleague

    theirs = before.worker or before.logged_by
    check_colleague(f"Follow-up #{before.id}", theirs, worker, force)
    if before.status != "open":
        raise BadInput(f"Follow-up {before.id} is already {before.status}; nothing changed.")
    if now is None:
        from keepgoing import clock

        now = clock.now()
    store.run(
        "UPDATE follow_up SET cancelled_at = :now, cancelled_by = :by WHERE id = :id",
        {"now": now, "by": worker, "id": before.id},
    )
    return FollowUpChange(get_follow_up(store, before.id), ["cancelled"], cancelled=True)


def change_follow_up(
    store: Store,
    follow_up_id: int,
    *,
    text: str | None = None,
    due_on: date | None = None,
    clear_due: bool = False,
    person: str | None = None,
    cancel: bool = False,
    worker: str | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> FollowUpChange:
    """Reword, re-date or pass on a follow-up to someone else, or cancel it (it is kept, as cancelled)."""
    if cancel and (text is not None or due_on is not None or clear_due or person is not None):
        raise BadInput("Change a follow-up or cancel it, not both.")
    if not cancel and text is None and due_on is None and not clear_due and person is None:
        raise BadInput("Nothing to change: give new words, a due day or a person, or cancel it.")
    with store.write():
        before = _existing(store, follow_up_id)
        if cancel:
            return _cancel(store, before, worker=worker, force=force, now=now)
        updates: dict[str, Any] = {}
        changes: list[str] = []
        if text is not None:
            cleaned = required(text, "follow-up")
            if cleaned != before.text:
                updates["text"] = cleaned
                changes.append("words")
        if clear_due and before.due_on is not None:
            updates["due_on"] = None
            changes.append("no due day")
        elif due_on is not None and due_on != before.due_on:
            updates["due_on"] = due_on
            changes.append("due day")
        if person is not None:
            from keepgoing.core.matching import find_person

            target = find_person(store, person)
            if target.id != before.person_id:
                updates["person_id"] = target.id
                changes.append(f"for {target.name}")
        if updates:
            assignments = ", ".join(f"{column} = :{column}" for column in updates)
            store.run(f"UPDATE follow_up SET {assignments} WHERE id = :id", {**updates, "id": follow_up_id})
        return FollowUpChange(get_follow_up(store, follow_up_id), changes)
