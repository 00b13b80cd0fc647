"""Conversations: a cuppa, a call or a text, with one or more people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from keepgoing.core.channels import parse_channel
from keepgoing.core.followups import add_follow_up
from keepgoing.core.people import Person, add_person, find_person, get_person, iso, next_due
from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.values import as_datetime
from keepgoing.text import clean_name, name_key, optional


@dataclass
class Conversation:
    id: int
    occurred_at: datetime
    via: str
    note: str | None
    wellbeing: int | None
    logged_by: str | None
    people: list[str] = field(default_factory=list)
    feeling: str | None = None
    group: str | None = None

    def to_json(self, *, exclude: str | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "when": iso(self.occurred_at),
            "via": self.via,
            "note": self.note,
            "with": [name for name in self.people if name != exclude],
            "wellbeing": self.wellbeing,
            "feeling": self.feeling,
            "group": self.group,
            "logged_by": self.logged_by,
        }


@dataclass
class Logged:
    """What `log_conversation` did, for the echo."""

    conversation: Conversation
    people: list[Person]
    created: list[str]
    follow_up_id: int | None = None
    follow_up_due: date | None = None
    idea_ids: list[int] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)


def _resolve(
    store: Store, names: list[str], *, create_missing: bool, now: datetime
) -> tuple[list[Person], list[str]]:
    people: dict[int, Person] = {}
    created: list[str] = []
    for raw in names:
        if create_missing:
            # --new: use the person this exact name or alias belongs to, else add them.
            try:
                person = find_person(store, raw)
                if name_key(raw) not in {name_key(person.name), *map(name_key, person.aliases)}:
                    raise NotFound(raw)
            except NotFound:
                person = add_person(store, clean_name(raw), now=now)
                created.append(person.name)
        else:
            person = find_person(store, raw, purpose="log")
        people.setdefault(person.id, person)
    return list(people.values()), created


def log_conversation(
    store: Store,
    names: list[str],
    *,
    via: str | None,
    occurred_at: datetime,
    now: datetime,
    note: str | None = None,
    wellbeing: int | None = None,
    follow_up: str | None = None,
    follow_up_due: date | None = None,
    create_missing: bool = False,
    logged_by: str | None = None,
    feeling: str | None = None,
    ideas: list[str] | None = None,
    group: str | None = None,
) -> Logged:
    """Record one conversation with everyone named; each of them counts as contacted.

    With no `via`, it is how the first person named prefers to be contacted.
    A follow-up or idea, if given, belongs to the first person named; a
    `group` makes it a session of that group, with the people named as
    those present. Everything is written in one transaction, or nothing is.
    """
    if not names:
        raise BadInput("Who did you talk to? Give at least one name.")
    if via is not None:
        via = parse_channel(via)
    note = optional(note, "note")
    if wellbeing is not None and not 1 <= wellbeing <= 5:
        raise BadInput("Wellbeing is a number from 1 (struggling) to 5 (thriving).")
    if occurred_at.astimezone().date() > now.astimezone().date():
        raise BadInput("That conversation is in the future; give the day it happened.")
    if follow_up is not None and not follow_up.strip():
        raise BadInput("A follow-up needs some words: what did you promise?")
    if follow_up is None and follow_up_due is not None:
        raise BadInput("--due goes with --follow-up: what is due then?")
    if feeling is not None:
        feeling = " ".join(feeling.split()) or None
        if feeling and len(feeling) > 40:
            raise BadInput("--feeling is a word or two (40 characters at most); put more in --note.")
    with store.write():
        group_id, group_name = None, None
        if group is not None:
            from keepgoing.core.groups import group_ref

            group_id, group_name = group_ref(store, group)
        people, created = _resolve(store, names, create_missing=create_missing, now=now)
        via = via or people[0].prefers or "other"
        conversation_id = store.insert(
            "INSERT INTO conversation (occurred_at, via, note, wellbeing, logged_by, created_at, feeling, group_id) "
            "VALUES (:at, :via, :note, :wb, :by, :now, :feeling, :group) RETURNING id",
            {
                "at": occurred_at,
                "via": via,
                "note": note,
                "wb": wellbeing,
                "by": logged_by,
                "now": now,
                "feeling": feeling,
                "group": group_id,
            },
        )
        drops = []
        for person in people:
            store.run(
                "INSERT INTO conversation_person (conversation_id, person_id) VALUES (:c, :p)",
                {"c": conversation_id, "p": person.id},
            )
            if person.last_contact_at is None or occurred_at >= person.last_contact_at:
                # The newest conversation sets the rhythm; an older one logged late does not.
                due_on = next_due(occurred_at, person.cadence_days)
                drop = _wellbeing_drop(store, person.id, conversation_id, occurred_at, wellbeing)
                if drop:
                    # A sharp fall is a reason to call sooner: a third of the rhythm, two days at least.
                    sooner = occurred_at.astimezone().date() + timedelta(
                        days=max(2, person.cadence_days // 3)
                    )
                    due_on = min(due_on, sooner)
                    drops.append(f"{person.name} {drop}")
                # The condition is checked again in the UPDATE: on a server database another
                # worker's newer conversation may have committed since we read this person.
                store.run(
                    "UPDATE person SET last_contact_at = :at, last_contact_via = :via, due_on = :due, "
                    "wellbeing_drop = :drop WHERE id = :id AND (last_contact_at IS NULL OR last_contact_at <= :at)",
                    {"at": occurred_at, "via": via, "due": due_on, "drop": drop, "id": person.id},
                )
        follow_up_id = None
        if follow_up is not None:
            follow_up_id = add_follow_up(
                store,
                people[0].id,
                follow_up,
                due_on=follow_up_due,
                now=now,
                conversation_id=conversation_id,
                logged_by=logged_by,
            )
        idea_ids = []
        if ideas:
            from keepgoing.core.ideas import add_idea

            idea_ids = [
                add_idea(store, people[0].id, text, now=now, conversation_id=conversation_id)
                for text in ideas
            ]
        conversation = Conversation(
            conversation_id,
            occurred_at,
            via,
            note,
            wellbeing,
            logged_by,
            [p.name for p in people],
            feeling,
            group_name,
        )
        return Logged(
            conversation,
            [get_person(store, p.id) for p in people],
            created,
            follow_up_id,
            follow_up_due,
            idea_ids,
            drops,
        )


def _wellbeing_drop(
    store: Store, person_id: int, conversation_id: int, occurred_at: datetime, wellbeing: int | None
) -> str | None:
    """ "4→2" when this score is two or more below their previous one; else None."""
    if wellbeing is None:
        return None
    previous = store.row(
        "SELECT c.wellbeing FROM conversation c JOIN conversation_person cp ON cp.conversation_id = c.id "
        "WHERE cp.person_id = :p AND c.id <> :c AND c.wellbeing IS NOT NULL AND c.occurred_at <= :at "
        "ORDER BY c.occurred_at DESC, c.id DESC LIMIT 1",
        {"p": person_id, "c": conversation_id, "at": occurred_at},
    )
    if previous is not None and previous["wellbeing"] - wellbeing >= 2:
        return f"{previous['wellbeing']}→{wellbeing}"
    return None


def conversations_with(store: Store, person_id: int, *, limit: int | None = None) -> list[Conversation]:
    """A person's conversations, newest first, each with everyone who was there."""
    sql = (
        "SELECT c.id, c.occurred_at, c.via, c.note, c.wellbeing, c.logged_by, c.feeling, g.name AS group_name "
        "FROM conversation c JOIN conversation_person cp ON cp.conversation_id = c.id "
        "LEFT JOIN community_group g ON g.id = c.group_id WHERE cp.person_id = :pid "
        "ORDER BY c.occurred_at DESC, c.id DESC"
    )
    params: dict[str, Any] = {"pid": person_id}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    conversations = {
        row["id"]: Conversation(
            row["id"],
            as_datetime(row["occurred_at"]),
            row["via"],
            row["note"],
            row["wellbeing"],
            row["logged_by"],
            feeling=row["feeling"],
            group=row["group_name"],
        )
        for row in store.rows(sql, params)
    }
    if conversations:
        for row in store.rows(
            "SELECT cp.conversation_id AS cid, p.name FROM conversation_person cp "
            "JOIN person p ON p.id = cp.person_id WHERE cp.conversation_id IN "
            "(SELECT conversation_id FROM conversation_person WHERE person_id = :pid) ORDER BY p.name_key",
            {"pid": person_id},
        ):
            if row["cid"] in conversations:
                conversations[row["cid"]].people.append(row["name"])
    return list(conversations.values())


def count_conversations(store: Store, person_id: int) -> int:
    return store.row(
        "SELECT count(*) AS n FROM conversation_person WHERE person_id = :pid", {"pid": person_id}
    )["n"]
