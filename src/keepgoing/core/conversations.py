"""Conversations: a cuppa, a call or a text, with one or more people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from keepgoing.core.channels import parse_channel
from keepgoing.core.followups import add_follow_up
from keepgoing.core.matching import find_person, refuse_close
from keepgoing.core.person import Person, get_person, iso
from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant
from keepgoing.text import clean_name, limit, name_key, optional, required


@dataclass
class Conversation:
    """A logged conversation: when, how, who was in it and what was said."""

    id: int
    occurred_at: datetime
    via: str
    note: str | None
    wellbeing: int | None
    logged_by: str | None
    people: list[str] = field(default_factory=list)
    feeling: str | None = None
    group: str | None = None
    time_given: bool = False  # a time of day was typed, so it is shown
    reached: bool = True  # False: a try that did not reach them (log --no-answer)
    private: bool = False  # only its writer and managers see it in a team store

    @classmethod
    def from_row(cls, row: Any) -> Conversation:
        """From a row with id, occurred_at, via, note, wellbeing, logged_by, feeling and group_name."""
        return cls(
            row["id"],
            stored_instant(row["occurred_at"]),
            row["via"],
            row["note"],
            row["wellbeing"],
            row["logged_by"],
            feeling=row["feeling"],
            group=row["group_name"],
            time_given=bool(row["time_given"]),
            reached=bool(row["reached"]),
            private=bool(row["private"]),
        )

    def describe_when(self) -> str:
        """`Thu 19 Nov 2026, 7pm` when a time was typed, else `Thu 19 Nov 2026`."""
        from keepgoing.date_display import describe_moment

        return describe_moment(self.occurred_at, self.time_given)

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
            "time_given": self.time_given,
            "reached": self.reached,
            "private": self.private,
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
    # (what was typed, who it turned out to be) for names given with --new that were already known.
    matched: list[tuple[str, str]] = field(default_factory=list)
    # Each person's own wellbeing score (a group session), by name.
    scores: dict[str, int] = field(default_factory=dict)
    # Whom the ideas are credited to: a person, or the group.
    idea_by: str | None = None
    # Those present at a group's session who are not members.
    visitors: list[str] = field(default_factory=list)


def _resolve(
    store: Store, names: list[str], *, create_missing: bool, now: datetime, allow_close: bool = False
) -> tuple[list[Person], list[str], list[tuple[str, str]]]:
    """The people named; with `create_missing`, anyone who matches nobody is added.

    A new name very like someone already here (`matching.close_name`) raises
    `CloseName` unless `allow_close`: the user is asked, or told to say so.

    Returns the people, the names added, and (typed, matched) pairs where a
    name given with --new turned out to be someone already known.
    """
    people: dict[int, Person] = {}
    created: list[str] = []
    matched: list[tuple[str, str]] = []
    for raw in names:
        if create_missing:
            # --new: a name that clearly means one known person is that person;
            # only a name that matches nobody adds someone; an ambiguous one is refused.
            try:
                person = find_person(store, raw)
                if name_key(raw) not in {name_key(person.name), *map(name_key, person.aliases)}:
                    matched.append((raw.strip(), person.name))
            except NotFound:
                new_name = clean_name(raw)
                if not allow_close:
                    refuse_close(store, new_name, instead="to log with them, give their name")
                from keepgoing.core.people import add_person  # only a name new to the store

                person = add_person(store, new_name, now=now)
                created.append(person.name)
        else:
            person = find_person(store, raw, purpose="log")
        people.setdefault(person.id, person)
    return list(people.values()), created, matched


def check_occurred(occurred_at: datetime, now: datetime) -> None:
    """A conversation happened on a day keepgoing can keep, and not after today."""
    from keepgoing.storage.date_encoding import EARLIEST

    day = occurred_at.astimezone().date()
    if day > now.astimezone().date():
        raise BadInput("That conversation is in the future; give the day it happened.")
    if day < EARLIEST:
        raise BadInput(f"That conversation is too long ago for keepgoing to keep ({day.year}).")


def check_feeling(feeling: str | None) -> str | None:
    """How they said they were, in a word or two ("hopeful"); empty means none."""
    if feeling is None:
        return None
    cleaned = " ".join(feeling.split())
    if len(cleaned) > limit("feeling"):
        raise BadInput(
            f"A feeling is a word or two ({limit('feeling')} characters at most); put more in the note."
        )
    return optional(cleaned, "feeling")


def check_wellbeing(wellbeing: Any) -> int | None:
    if wellbeing is not None and (
        not isinstance(wellbeing, int) or isinstance(wellbeing, bool) or not 1 <= wellbeing <= 5
    ):
        raise BadInput("Wellbeing is a number from 1 (struggling) to 5 (thriving).")
    return wellbeing


@dataclass
class Said:
    """What was given about a conversation, checked (None: not given)."""

    via: str | None = None
    note: str | None = None
    wellbeing: int | None = None
    feeling: str | None = None
    follow_up: str | None = None
    ideas: list[str] = field(default_factory=list)


def check_said(
    *,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
    via: str | None = None,
    note: str | None = None,
    wellbeing: Any = None,
    feeling: str | None = None,
    follow_up: str | None = None,
    follow_up_due: date | None = None,
    ideas: list[str] | None = None,
) -> Said:
    """The one check of what a conversation may hold, for log, jot, group sessions, amend and import.

    Each message names the field as the user knows it (note, feeling, follow-up, idea).
    """
    if occurred_at is not None and now is not None:
        check_occurred(occurred_at, now)
    if follow_up is None and follow_up_due is not None:
        raise BadInput("A due day goes with a follow-up: what is due then?")
    return Said(
        parse_channel(via) if via is not None else None,
        optional(note, "note"),
        check_wellbeing(wellbeing),
        check_feeling(feeling),
        required(follow_up, "follow-up") if follow_up is not None else None,
        [required(text, "idea") for text in ideas or []],
    )


def check_tried(said: Said, *, group: bool = False) -> None:
    """What a try with no answer may not hold (log --no-answer, and amending one): only a talk has these."""
    if said.wellbeing is not None or said.feeling or said.ideas or group:
        raise BadInput(
            "A try with no answer holds no wellbeing, feeling, idea or group session; log those when you talk."
        )


def conversation_people(store: Store, conversation_id: int) -> list[Person]:
    """Who was in a conversation, by name."""
    from keepgoing.core.person import PERSON_COLUMNS

    columns = ", ".join(f"p.{c.strip()}" for c in PERSON_COLUMNS.split(","))
    return [
        Person.from_row(row)
        for row in store.rows(
            f"SELECT {columns} FROM person p JOIN conversation_person cp ON cp.person_id = p.id "
            "WHERE cp.conversation_id = :c ORDER BY p.name_key",
            {"c": conversation_id},
        )
    ]


def _checked_scores(
    said: Said,
    scores: list[tuple[str, int]] | None,
    *,
    wellbeing: int | None,
    group: str | None,
    reached: bool,
    measures: list[tuple[str, Any]] | None,
) -> list[tuple[str, int]]:
    """Each person's own wellbeing score checked, and refused where it cannot go with the rest."""
    checked = [(name, _one_score(score)) for name, score in scores or []]
    if not reached:
        check_tried(said, group=group is not None)
        if measures:
            raise BadInput("A try with no answer holds no wellbeing measure; log it when you talk.")
        if checked:
            check_tried(Said(wellbeing=checked[0][1]))
    if group is not None and wellbeing is not None:
        raise BadInput(
            "In a group session each person has their own wellbeing score (sam=4), or none: "
            "one number would enter everyone's trend."
        )
    if checked and wellbeing is not None:
        raise BadInput("Give one wellbeing score for everyone, or one each (sam=4), not both.")
    return checked


def _session_group(store: Store, group: str | None) -> tuple[int | None, str | None, str | None]:
    """(id, name, how it meets) of the group a session is of; Nones when it is not a session."""
    if group is None:
        return None, None, None
    from keepgoing.core.groups import find_group

    found = find_group(store, group)
    # A group meets its own way (in person unless set): never one member's preference.
    return found.id, found.name, found.via or "cuppa"


def log_conversation(
    store: Store,
    names: list[str],
    *,
    via: str | None,
    occurred_at: datetime,
    now: datetime,
    time_given: bool = False,
    note: str | None = None,
    wellbeing: int | None = None,
    follow_up: str | None = None,
    follow_up_due: date | None = None,
    create_missing: bool = False,
    allow_close: bool = False,
    logged_by: str | None = None,
    feeling: str | None = None,
    ideas: list[str] | None = None,
    group: str | None = None,
    reached: bool = True,
    private: bool = False,
    measures: list[tuple[str, Any]] | None = None,
    scores: list[tuple[str, int]] | None = None,
    visitors: list[str] | None = None,
    idea_from: str | None = None,
) -> Logged:
    """Record one conversation with everyone named; each of them counts as contacted.

    With `reached` False it is a try that did not reach them (no answer): it
    is kept and shown, but it is not contact, so the rhythm does not move
    (`refresh_contacts` leaves tries out), and it holds no wellbeing,
    feeling, idea or group session.

    With no `via`, it is how the first person named prefers to be contacted.
    A follow-up, if given, belongs to the first person named; an idea to
    `idea_from` (someone present), else to the group in a session, else to
    the first person named. A `group` makes it a session of that group, with
    the people named (and `visitors`, who need not be members) as those
    present. `scores` are (name, 1-5) pairs: each person's own wellbeing,
    the only kind a group session takes; `wellbeing` is one score for
    everyone in a conversation that is not a session. `measures` are
    (measure name, answers "7,8,6,3") of one person's standard wellbeing
    measures (core/measures.py): a conversation with several people, or a
    try, holds none. Everything is written in one transaction, or nothing is.
    """
    if not names:
        raise BadInput("Who did you talk to? Give at least one name.")
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
    via, note, feeling, follow_up, ideas = said.via, said.note, said.feeling, said.follow_up, said.ideas
    scores = _checked_scores(
        said, scores, wellbeing=wellbeing, group=group, reached=reached, measures=measures
    )
    with store.write():
        checked = []
        if measures:
            from keepgoing.core.measures import check_scores

            checked = check_scores(store, measures)
        group_id, group_name, group_via = _session_group(store, group)
        people, created, matched = _resolve(
            store,
            [*names, *(visitors or [])],
            create_missing=create_missing,
            now=now,
            allow_close=allow_close,
        )
        each = _scores_for(store, people, scores)
        credited = _credited(store, people, idea_from) if ideas or idea_from else None
        via = via or group_via or people[0].prefers or "other"
        if checked:
            from keepgoing.core.measures import one_person

            one_person([p.id for p in people])
        conversation_id = store.insert(
            "INSERT INTO conversation (occurred_at, via, note, wellbeing, logged_by, created_at, feeling, group_id, "
            "time_given, reached, private) VALUES (:at, :via, :note, :wb, :by, :now, :feeling, :group, :time_given, "
            ":reached, :private) RETURNING id",
            {
                "reached": reached,
                "private": private,
                "time_given": time_given,
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
        store.run_many(
            "INSERT INTO conversation_person (conversation_id, person_id, wellbeing) VALUES (:c, :p, :wb)",
            [{"c": conversation_id, "p": person.id, "wb": each.get(person.id)} for person in people],
        )
        # The newest conversation, by date, sets the rhythm; an older one logged late does not.
        from keepgoing.core.rhythm import refresh_contacts  # only logging moves a rhythm

        refreshed = refresh_contacts(store, [p.id for p in people], logged=conversation_id)
        drops = [
            f"{p.name} {refreshed[p.id]}"
            for p in people
            if refreshed[p.id] and (wellbeing is not None or p.id in each)
        ]
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
                private=private,
            )
        idea_ids = []
        if ideas:
            from keepgoing.core.ideas import add_idea

            # Raised in a session: the group's, unless someone present is named as its author.
            author = credited.id if credited else None if group_id is not None else people[0].id
            idea_ids = [
                add_idea(
                    store,
                    author,
                    text,
                    now=now,
                    conversation_id=conversation_id,
                    group_id=group_id if author is None else None,
                )
                for text in ideas
            ]
        if checked:
            from keepgoing.core.measures import record_scores

            record_scores(store, conversation_id, people[0].id, checked, now=now)
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
            time_given,
            reached,
            private,
        )
        return Logged(
            conversation,
            [get_person(store, p.id) for p in people],
            created,
            follow_up_id,
            follow_up_due,
            idea_ids,
            drops,
            matched,
            scores={p.name: each[p.id] for p in people if p.id in each},
            idea_by=credited.label if credited else group_name if group_id is not None else people[0].label,
            visitors=_visitors(store, group_id, people),
        )


def _one_score(score: Any) -> int:
    checked = check_wellbeing(score)
    if checked is None:
        raise BadInput("Wellbeing is a number from 1 (struggling) to 5 (thriving).")
    return checked


def _scores_for(store: Store, people: list[Person], scores: list[tuple[str, int]]) -> dict[int, int]:
    """Each person's own score (person id -> 1-5), by a name that must be someone present."""
    each: dict[int, int] = {}
    for name, score in scores:
        person = _among(store, people, name, "a wellbeing score")
        if person.id in each:
            raise BadInput(f"{person.name} has two wellbeing scores; give one.")
        each[person.id] = score
    return each


def _credited(store: Store, people: list[Person], idea_from: str | None) -> Person | None:
    return _among(store, people, idea_from, "an idea") if idea_from is not None else None


def _among(store: Store, people: list[Person], name: str, what: str) -> Person:
    """The person present whom `name` means (a name, alias or the start of one)."""
    from keepgoing.core.matching import match_tier

    key = name_key(name)
    if not key:
        raise BadInput(f"Whose is {what}? A name cannot be empty.")
    for tier in range(3):
        found = [p for p in people if any(match_tier(key, name_key(n)) == tier for n in (p.name, *p.aliases))]
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(sorted(p.name for p in found))
            raise BadInput(f'"{name.strip()}" could be {names}: give more of the name for {what}.')
    person = find_person(store, name)
    raise BadInput(f"{person.name} is not in this conversation, so cannot have {what} in it.")


def _visitors(store: Store, group_id: int | None, people: list[Person]) -> list[str]:
    """Who came to a group's session without being a member."""
    if group_id is None:
        return []
    members = {
        r["person_id"]
        for r in store.rows("SELECT person_id FROM group_member WHERE group_id = :g", {"g": group_id})
    }
    return [p.name for p in people if p.id not in members]


def conversations_with(store: Store, person_id: int, *, limit: int | None = None) -> list[Conversation]:
    """A person's conversations, newest first, each with everyone who was there."""
    sql = (
        "SELECT c.id, c.occurred_at, c.via, c.note, COALESCE(cp.wellbeing, c.wellbeing) AS wellbeing, "
        "c.logged_by, c.feeling, c.time_given, c.reached, c.private, g.name AS group_name FROM conversation c "
        "JOIN conversation_person cp ON cp.conversation_id = c.id "
        "LEFT JOIN community_group g ON g.id = c.group_id WHERE cp.person_id = :pid "
        "ORDER BY c.occurred_at DESC, c.id DESC"
    )
    params: dict[str, Any] = {"pid": person_id}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    conversations = {row["id"]: Conversation.from_row(row) for row in store.rows(sql, params)}
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
    return int(
        store.value(
            "SELECT count(*) AS n FROM conversation_person WHERE person_id = :pid", {"pid": person_id}
        )
    )


def count_all_conversations(store: Store) -> int:
    """Every conversation in the store (for a progress bar's total)."""
    row = store.row("SELECT count(*) AS n FROM conversation")
    return int(row["n"]) if row else 0
