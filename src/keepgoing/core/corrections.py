"""Putting a logged conversation right: amend it, or remove it (unlog).

A slip made straight after a call (the wrong day, the wrong Sam, a score
forgotten) is corrected here rather than by logging a second conversation.
Every change recomputes the last contact, due day and wellbeing drop of each
person it touches from their history, so `due` stays what it would have been
had the conversation been logged right the first time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from keepgoing.core.conversations import Conversation, Said, check_said, conversation_people
from keepgoing.core.matching import find_person
from keepgoing.core.person import Person
from keepgoing.core.rhythm import refresh_contacts
from keepgoing.core.workers import check_colleague
from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store


@dataclass
class Amended:
    """What `amend_conversation` did, for the echo."""

    conversation: Conversation
    changes: list[str]
    follow_up_id: int | None = None
    follow_up_person: str | None = None
    idea_ids: list[int] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    cleanup_pending: str | None = None  # whose next command rewrites a team store's tables (Store.scrub)


@dataclass
class Unlogged:
    """A conversation unlogged (or about to be), with how many follow-ups and ideas went with it."""

    conversation: Conversation
    follow_ups: int
    ideas: int
    cleanup_pending: str | None = None  # whose next command rewrites a team store's tables (Store.scrub)


def get_conversation(store: Store, conversation_id: int) -> Conversation:
    """One conversation with everyone who was there."""
    row = store.row(
        "SELECT c.id, c.occurred_at, c.via, c.note, c.wellbeing, c.logged_by, c.feeling, c.time_given, "
        "c.reached, c.private, g.name AS group_name FROM conversation c "
        "LEFT JOIN community_group g ON g.id = c.group_id WHERE c.id = :id",
        {"id": conversation_id},
    )
    if row is None:
        raise NotFound(f"There is no conversation number {conversation_id}; see keepgoing show NAME.")
    conversation = Conversation.from_row(row)
    conversation.people = [p.name for p in conversation_people(store, conversation_id)]
    return conversation


def last_logged(store: Store, worker: str | None) -> int:
    """The number of the conversation this worker logged most recently."""
    row = store.row(
        "SELECT max(id) AS id FROM conversation WHERE logged_by = :by"
        if worker
        else "SELECT max(id) AS id FROM conversation",
        {"by": worker} if worker else None,
    )
    if row is None or row["id"] is None:
        raise NotFound("You have not logged a conversation yet, so there is nothing to put right.")
    return int(row["id"])


def _target(store: Store, conversation_id: int | None, worker: str | None, force: bool) -> Conversation:
    if conversation_id is None:
        conversation_id = last_logged(store, worker)
    if not 0 < conversation_id < 2**63:
        raise NotFound(f"There is no conversation number {conversation_id}; see keepgoing show NAME.")
    conversation = get_conversation(store, conversation_id)
    if not conversation.people:
        raise BadInput(
            f"Conversation #{conversation_id} belongs to nobody (its people were forgotten); "
            "it cannot be changed. keepgoing check lists such rows."
        )
    check_colleague(f"Conversation #{conversation_id}", conversation.logged_by, worker, force)
    return conversation


def amend_conversation(
    store: Store,
    conversation_id: int | None,
    *,
    now: datetime,
    worker: str | None,
    occurred_at: datetime | None = None,
    time_given: bool = False,
    via: str | None = None,
    note: str | None = None,
    add_people: list[str] | None = None,
    remove_people: list[str] | None = None,
    wellbeing: int | None = None,
    feeling: str | None = None,
    ideas: list[str] | None = None,
    follow_up: str | None = None,
    follow_up_due: date | None = None,
    force: bool = False,
    private: bool = False,
    measures: list[tuple[str, Any]] | None = None,
    reached: bool = False,
) -> Amended:
    """Change a logged conversation, or add to it (the worker's last one when no number is given).

    `note=""` clears the note; `measures` (name, answers) give or correct one person's
    standard wellbeing measures. `reached` turns a try with no answer into a
    conversation (they rang back, or it did connect): it is then contact,
    and the rhythm moves. Everything is written in one transaction, or nothing is.
    """
    nothing = (occurred_at, via, note, wellbeing, feeling, follow_up) == (None,) * 6
    if nothing and not (add_people or remove_people or ideas or private or measures or reached):
        raise BadInput("Nothing to change: say what to put right, for example a new date or note.")
    said = check_said(
        now=now,
        occurred_at=occurred_at,
        via=via,
        note=note,
        wellbeing=wellbeing,
        feeling=feeling,
        follow_up=follow_up,
        follow_up_due=follow_up_due,
        ideas=ideas,
    )
    via, cleaned, feeling, follow_up, ideas = said.via, said.note, said.feeling, said.follow_up, said.ideas
    with store.write():
        before = _target(store, conversation_id, worker, force)
        checked, group_id = _checked_for(
            store, before, said, reached=reached, measures=measures, wellbeing=wellbeing
        )
        updates, changes = _field_changes(
            before,
            reached=reached,
            occurred_at=occurred_at,
            columns={"via": via, "note": cleaned, "wellbeing": wellbeing, "feeling": feeling},
            note_given=note is not None,
        )
        if private and not before.private:
            # Its follow-ups by the same writer go private with it.
            updates["private"] = True
            changes.append("private")
            store.run(
                "UPDATE follow_up SET private = :yes WHERE conversation_id = :c AND logged_by = :by",
                {"yes": True, "c": before.id, "by": before.logged_by},
            )
        if occurred_at is not None:
            _time_shown(updates, changes, before, time_given)
        present, touched = _change_people(store, before.id, add_people or [], remove_people or [], changes)
        if updates or len(changes) > len(updates):  # who was there changed too
            updates.update(amended_by=worker, amended_at=now)
            assignments = ", ".join(f"{column} = :{column}" for column in updates)
            store.run(f"UPDATE conversation SET {assignments} WHERE id = :id", {**updates, "id": before.id})
        if checked:
            _record_measures(store, before.id, present, checked, updates, changes, worker=worker, now=now)
        owner = _owner(store, before.id, present)
        follow_up_id = None
        if follow_up is not None:
            from keepgoing.core.followups import add_follow_up

            follow_up_id = add_follow_up(
                store,
                owner.id,
                follow_up,
                due_on=follow_up_due,
                now=now,
                conversation_id=before.id,
                logged_by=worker,
                private=private or before.private,
            )
            changes.append(f"follow-up #{follow_up_id}")
        idea_ids = _add_ideas(
            store,
            before.id,
            ideas or [],
            author=None if group_id is not None else owner.id,
            group_id=group_id,
            now=now,
        )
        changes.extend(f"idea #{i}" for i in idea_ids)
        refreshed = refresh_contacts(store, touched)
        drops = [
            f"{p.name} {refreshed[p.id]}" for p in touched.values() if refreshed[p.id] and p.id in present
        ]
        amended = Amended(
            get_conversation(store, before.id),
            changes,
            follow_up_id,
            owner.name if follow_up_id else None,
            idea_ids,
            drops,
        )
    if "note" in updates:  # the words taken out go from the file, as an erasure's do
        amended.cleanup_pending = store.scrub()
    return amended


def _checked_for(
    store: Store,
    before: Conversation,
    said: Said,
    *,
    reached: bool,
    measures: list[tuple[str, Any]] | None,
    wellbeing: int | None,
) -> tuple[list[Any], int | None]:
    """(the measures' checked scores, the conversation's group) once what is added fits it:
    a try that stays a try holds no wellbeing, a group session no one shared score."""
    if not before.reached and not reached:
        from keepgoing.core.conversations import check_tried

        check_tried(said)
        if measures:
            raise BadInput("A try with no answer holds no wellbeing measure; log it when you talk.")
    checked = []
    if measures:
        from keepgoing.core.measures import check_scores

        checked = check_scores(store, measures)
    group_id = store.value("SELECT group_id FROM conversation WHERE id = :id", {"id": before.id})
    if group_id is not None and wellbeing is not None:
        raise BadInput(
            f"Conversation #{before.id} is a group session: each person has their own wellbeing score "
            "there, so one number would enter everyone's trend."
        )
    return checked, group_id


def _field_changes(
    before: Conversation,
    *,
    reached: bool,
    occurred_at: datetime | None,
    columns: dict[str, Any],
    note_given: bool,
) -> tuple[dict[str, Any], list[str]]:
    """(the conversation's columns to set, the changes in words) for what differs from `before`."""
    updates: dict[str, Any] = {}
    changes: list[str] = []
    if reached and not before.reached:
        updates["reached"] = True
        changes.append("reached")
    note = columns["note"]
    for column, value, change in (
        ("occurred_at", occurred_at, "date"),
        ("via", columns["via"], "how"),
        ("note", note, "note" if note else "note removed"),
        ("wellbeing", columns["wellbeing"], "wellbeing"),
        ("feeling", columns["feeling"], "feeling"),
    ):
        given = note_given if column == "note" else value is not None  # "" clears a note
        if given and value != getattr(before, column):
            updates[column] = value
            changes.append(change)
    return updates, changes


def _time_shown(updates: dict[str, Any], changes: list[str], before: Conversation, time_given: bool) -> None:
    """A time typed with the new date, or now left out: the date changed in how it is shown."""
    if time_given != before.time_given:
        updates["time_given"] = time_given
        changes.extend([] if "date" in changes else ["date"])


def _change_people(
    store: Store, conversation_id: int, add: list[str], remove: list[str], changes: list[str]
) -> tuple[dict[int, Person], dict[int, Person]]:
    """(who is there now, everyone whose rhythm may move) after taking people out and adding them."""
    present = {p.id: p for p in conversation_people(store, conversation_id)}
    touched: dict[int, Person] = dict(present)
    for raw in remove:
        person = find_person(store, raw)
        if person.id not in present:
            raise BadInput(f"{person.name} was not in conversation #{conversation_id}.")
        del present[person.id]
        from keepgoing.core.measures import drop_scores_of

        drop_scores_of(store, conversation_id, person.id)
        store.run(
            "DELETE FROM conversation_person WHERE conversation_id = :c AND person_id = :p",
            {"c": conversation_id, "p": person.id},
        )
        changes.append(f"without {person.name}")
    for raw in add:
        person = find_person(store, raw, purpose="log")
        if person.id in present:
            continue
        present[person.id] = touched[person.id] = person
        store.run(
            "INSERT INTO conversation_person (conversation_id, person_id) VALUES (:c, :p)",
            {"c": conversation_id, "p": person.id},
        )
        changes.append(f"with {person.name}")
    if not present:
        raise BadInput(
            f"Conversation #{conversation_id} would be with nobody; to remove it, use keepgoing unlog {conversation_id}."
        )
    return present, touched


def _record_measures(
    store: Store,
    conversation_id: int,
    present: dict[int, Person],
    checked: list[Any],
    updates: dict[str, Any],
    changes: list[str],
    *,
    worker: str | None,
    now: datetime,
) -> None:
    """One person's measures scored on the conversation, marked as amended if nothing else was."""
    from keepgoing.core.measures import one_person, record_scores

    scored = record_scores(
        store, conversation_id, one_person(list(present), conversation_id), checked, now=now
    )
    changes.extend(scored)
    if scored and not updates:
        updates.update(amended_by=worker, amended_at=now)
        store.run(
            "UPDATE conversation SET amended_by = :amended_by, amended_at = :amended_at WHERE id = :id",
            {**updates, "id": conversation_id},
        )


def _add_ideas(
    store: Store,
    conversation_id: int,
    ideas: list[str],
    *,
    author: int | None,
    group_id: int | None,
    now: datetime,
) -> list[int]:
    """Ideas added to the conversation: a group session's are the group's (`author` None), as when logged."""
    if not ideas:
        return []
    from keepgoing.core.ideas import add_idea

    return [
        add_idea(store, author, text, now=now, conversation_id=conversation_id, group_id=group_id)
        for text in ideas
    ]


def _owner(store: Store, conversation_id: int, present: dict[int, Person]) -> Person:
    """Whom a follow-up or idea added later belongs to: whoever already has one from it, else the first by name."""
    row = store.row(
        "SELECT person_id FROM follow_up WHERE conversation_id = :c UNION ALL "
        "SELECT person_id FROM idea WHERE conversation_id = :c",
        {"c": conversation_id},
    )
    if row is not None and row["person_id"] in present:
        return present[row["person_id"]]
    return sorted(present.values(), key=lambda p: (p.name.casefold(), p.id))[0]


def preview_unlog(
    store: Store, conversation_id: int | None, *, worker: str | None, force: bool = False
) -> Unlogged:
    """What `unlog_conversation` would remove: the conversation and what hangs off it."""
    with store.read():
        conversation = _target_any(store, conversation_id, worker, force)
        follow_ups, ideas = _hanging(store, conversation.id)
    return Unlogged(conversation, follow_ups, ideas)


def _target_any(store: Store, conversation_id: int | None, worker: str | None, force: bool) -> Conversation:
    """Like `_target`, but a conversation that belongs to nobody may be removed."""
    try:
        return _target(store, conversation_id, worker, force)
    except BadInput:
        conversation = get_conversation(store, conversation_id or last_logged(store, worker))
        if conversation.people:
            raise
        return conversation


def _hanging(store: Store, conversation_id: int) -> tuple[int, int]:
    row = store.row(
        "SELECT (SELECT count(*) FROM follow_up WHERE conversation_id = :c) AS f, "
        "(SELECT count(*) FROM idea WHERE conversation_id = :c) AS i",
        {"c": conversation_id},
    )
    assert row is not None
    return int(row["f"]), int(row["i"])


def unlog_conversation(
    store: Store, conversation_id: int | None, *, worker: str | None, force: bool = False
) -> Unlogged:
    """Remove a conversation logged by mistake, with the follow-ups and ideas made in it.

    Its people's last contact is recomputed from what remains, and the text is
    made unrecoverable from the file as `forget` does.
    """
    with store.write():
        conversation = _target_any(store, conversation_id, worker, force)
        follow_ups, ideas = _hanging(store, conversation.id)
        people = [p.id for p in conversation_people(store, conversation.id)]
        store.run("DELETE FROM follow_up WHERE conversation_id = :c", {"c": conversation.id})
        store.run("DELETE FROM idea WHERE conversation_id = :c", {"c": conversation.id})
        store.run("DELETE FROM conversation WHERE id = :c", {"c": conversation.id})
        refresh_contacts(store, people)
    return Unlogged(conversation, follow_ups, ideas, store.scrub())
