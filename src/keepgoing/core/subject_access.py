"""What the store holds about one person, for them to read (a subject access request).

`subject_access` gathers it as `Section`s in the order the copy reads:
their card, their consent, every conversation they were in, follow-ups,
lasting notes, ideas and what became of them, wins, groups and attendance,
wellbeing scores, standard wellbeing measure answers (ONS4 and the
organisation's own, each with its licence line), equality monitoring (their
consent to it and each dated record). Each entry says who logged it and when. Nothing about
anyone else can be read from it:

- other people present are "another person", never a name or a number;
- every free text (notes, follow-ups, ideas, wins, group names) has every
  other person's names, email and phone hidden by `forget`'s own rule
  (`core/erasure.py: Matcher`), and any other email address or phone
  number written in it hidden too (`core/anonymising.py: hide_contacts`),
  their own kept.

To add a section (monitoring, a measure): write a function taking a
`Disclosure` under way and returning a `Section`, and add it to `SECTIONS`.
Rendering (`exchange/subject_access.py`) needs nothing more: a section is a
title, a sentence about it, and items of labelled plain values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from keepgoing.core.anonymising import hide_contacts
from keepgoing.core.erasure import Matcher, _fold
from keepgoing.core.matching import find_person
from keepgoing.core.person import Person, get_person
from keepgoing.date_display import describe_rhythm
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_date, as_datetime
from keepgoing.storage.store import Row

ANOTHER = "another person"


@dataclass
class Item:
    """One entry: a one-line title and labelled values (label -> value, None left out)."""

    title: str
    values: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, **{key: _plain(value) for key, value in self.values.items()}}


@dataclass
class Section:
    """One part of a subject access copy (their card, conversations, ideas...) and its entries."""

    key: str
    title: str
    about: str
    items: list[Item] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "about": self.about, "items": [i.to_json() for i in self.items]}


@dataclass
class Disclosure:
    """The copy under way, then done: the person, when it was made, and its sections."""

    store: Store
    person: Person
    made_at: datetime
    hide: Callable[[str | None], str | None]
    sections: list[Section] = field(default_factory=list)

    def rows(self, sql: str) -> list[Row]:
        """The rows of a query about the person: `:p` in `sql` is their id."""
        return self.store.rows(sql, {"p": self.person.id})

    def to_json(self) -> dict[str, Any]:
        return {
            "subject_access": True,
            "person": self.person.name,
            "exported_at": self.made_at.isoformat(),
            "exported_on": self.made_at.astimezone().date().isoformat(),
            "sections": {s.key: s.to_json() for s in self.sections},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _others(store: Store, person: Person) -> dict[int, dict[str, Any]]:
    """Everyone but `person`: name, email, phone and aliases, by id."""
    people: dict[int, dict[str, Any]] = {}
    for row in store.stream("SELECT id, name, email, phone FROM person WHERE id <> :p", {"p": person.id}):
        people[row["id"]] = {"name": row["name"], "email": row["email"], "phone": row["phone"], "aliases": []}
    for row in store.stream(
        "SELECT person_id, alias FROM alias WHERE person_id <> :p ORDER BY id", {"p": person.id}
    ):
        if row["person_id"] in people:
            people[row["person_id"]]["aliases"].append(row["alias"])
    return people


def _name_words(name: str, aliases: Iterable[str]) -> set[str]:
    """The folded words of someone's name and aliases."""
    return {w for n in (name, *aliases) for w in _fold(n).split()}


def _contacts(people: dict[int, dict[str, Any]]) -> dict[int, tuple[str | None, str | None]]:
    """Each person's email (casefolded) and the last six digits of their phone, to spot quickly."""
    contacts: dict[int, tuple[str | None, str | None]] = {}
    for pid, other in people.items():
        phone = re.sub(r"\D", "", other["phone"] or "")[-6:]
        if other["email"] or len(phone) == 6:
            contacts[pid] = (other["email"].casefold() if other["email"] else None, phone or None)
    return contacts


def _hider(store: Store, person: Person) -> Callable[[str | None], str | None]:
    """Hides everyone but `person` in a text: forget's rule for each other person, then contacts."""
    people = _others(store, person)
    # How many people have each name word: a word someone else has too is "shared" (Matcher).
    words: Counter[str] = Counter()
    words.update({w: 1 for w in _name_words(person.name, person.aliases)})
    for other in people.values():
        words.update(_name_words(other["name"], other["aliases"]))
    matchers: dict[int, Matcher] = {}

    def matcher(pid: int) -> Matcher:
        if pid not in matchers:
            other = people[pid]
            mine = _name_words(other["name"], other["aliases"])
            shared = [" ".join(w for w in mine if words[w] > 1)]
            matchers[pid] = Matcher(_Other(**other), shared)
        return matchers[pid]

    by_word: dict[str, list[int]] = {}
    for pid, other in people.items():
        for w in _name_words(other["name"], other["aliases"]):
            by_word.setdefault(w, []).append(pid)
    keep = tuple(c for c in (person.email, person.phone) if c)
    contacts = _contacts(people)

    def hide(text: str | None) -> str | None:
        if text is None:
            return None
        # Only the people one of whose name words is in the text can be named in it.
        present = {pid for w in re.findall(r"\w+", _fold(text)) for pid in by_word.get(w, ())}
        for pid in sorted(present):
            text = matcher(pid).redact(text)
        # Their phone or email written without their name: forget's rule finds those too.
        folded, digits = text.casefold(), re.sub(r"\D", "", text)
        for pid in sorted(set(contacts) - present):
            email, phone = contacts[pid]
            if (email and email in folded) or (phone and phone in digits):
                text = matcher(pid).redact(text)
        return hide_contacts(text, keep)

    return hide


@dataclass
class _Other:
    """Someone else in the store, as much of them as `Matcher` needs to hide them."""

    name: str
    email: str | None
    phone: str | None
    aliases: list[str]


def subject_access(store: Store, query: str, *, now: datetime) -> Disclosure:
    """Everything the store holds about the person `query` names, for them to read."""
    with store.read():
        person = get_person(store, find_person(store, query).id)
        disclosure = Disclosure(store, person, now, _hider(store, person))
        for build in SECTIONS:
            disclosure.sections.append(build(disclosure))
    return disclosure


# --- the sections -------------------------------------------------------------------


def card(d: Disclosure) -> Section:
    p, hide = d.person, d.hide
    values = {
        "name": p.name,
        "also_known_as": ", ".join(p.aliases) or None,
        "organisation": p.organisation,
        "role": p.role,
        "phone": p.phone,
        "email": p.email,
        "prefers": p.prefers,
        "note": hide(p.note),
        "tags": ", ".join(p.tags) or None,
        "check_in_rhythm": describe_rhythm(p.cadence_days),
        "key_worker": p.worker,
        "added_on": p.created_at,
        "last_contact": p.last_contact_at,
        "next_check_in_due": p.due_on,
        "paused_until": p.paused_until,
        "archived_at": p.archived_at,
        "wellbeing_drop_noted": p.wellbeing_drop,
        "last_changed_by": p.updated_by,
    }
    return Section("card", "Your details", "What is kept on your record card.", [Item("Your record", values)])


def consent(d: Disclosure) -> Section:
    p = d.person
    items = [
        Item(
            "Consent as recorded now",
            {
                "consent": p.consent or "not recorded",
                "ways_you_agreed_to_be_contacted": p.consent_channels,
                "recorded_on": p.consent_on,
                "to_be_asked_again_on": p.consent_review_on,
                "note": d.hide(p.consent_note),
            },
        )
    ]
    from keepgoing.core.audit import is_audited

    if is_audited(d.store):
        for row in d.rows(
            "SELECT at, role, action, records FROM audit WHERE person_id = :p AND records LIKE '%consent%' "
            "ORDER BY id",
        ):
            items.append(
                Item("A change to your consent", {"when": as_datetime(row["at"]), "by": row["role"]})
            )
    return Section(
        "consent",
        "Your consent",
        "Whether you agreed to be contacted, how, and when each change was made.",
        items,
    )


def conversations(d: Disclosure) -> Section:
    rows = d.rows(
        "SELECT c.id, c.occurred_at, c.via, c.note, c.wellbeing, c.feeling, c.logged_by, c.created_at, "
        "c.amended_by, c.amended_at, c.reached, c.private, g.name AS group_name, "
        "(SELECT count(*) FROM conversation_person o WHERE o.conversation_id = c.id) AS present "
        "FROM conversation c JOIN conversation_person cp ON cp.conversation_id = c.id "
        "LEFT JOIN community_group g ON g.id = c.group_id WHERE cp.person_id = :p ORDER BY c.occurred_at, c.id",
    )
    items = []
    for row in rows:
        others = int(row["present"]) - 1
        when = as_datetime(row["occurred_at"])
        items.append(
            Item(
                f"Conversation {row['id']}",
                {
                    "when": when,
                    "how": row["via"],
                    "reached_you": bool(row["reached"]),
                    "who_was_there": ", ".join(["you", *[ANOTHER] * others]),
                    "group": d.hide(row["group_name"]),
                    "note": d.hide(row["note"]),
                    "wellbeing_score": row["wellbeing"],
                    "feeling": d.hide(row["feeling"]),
                    "marked_private": bool(row["private"]) or None,
                    "logged_by": row["logged_by"],
                    "logged_at": as_datetime(row["created_at"]),
                    "corrected_by": row["amended_by"],
                    "corrected_at": as_datetime(row["amended_at"]),
                },
            )
        )
    return Section(
        "conversations",
        "Conversations",
        'Every conversation you were in. Other people there are shown as "another person", and '
        "anything about anyone else in the notes is hidden.",
        items,
    )


def follow_ups(d: Disclosure) -> Section:
    items = [
        Item(
            f"Follow-up {row['id']}",
            {
                "what": d.hide(row["text"]),
                "due": as_date(row["due_on"]),
                "done_at": as_datetime(row["done_at"]),
                "cancelled_at": as_datetime(row["cancelled_at"]),
                "cancelled_by": row["cancelled_by"],
                "whose_job": row["worker"],
                "marked_private": bool(row["private"]) or None,
                "logged_by": row["logged_by"],
                "logged_at": as_datetime(row["created_at"]),
            },
        )
        for row in d.rows("SELECT * FROM follow_up WHERE person_id = :p ORDER BY created_at, id")
    ]
    return Section("follow_ups", "Follow-ups", "Things someone said they would do for you.", items)


def notes(d: Disclosure) -> Section:
    items = [
        Item(
            f"Note {row['id']}",
            {"note": d.hide(row["text"]), "written_at": as_datetime(row["created_at"])},
        )
        for row in d.rows(
            "SELECT id, text, created_at FROM person_note WHERE person_id = :p ORDER BY created_at, id",
        )
    ]
    return Section("notes", "Lasting notes", "Notes on what matters to you.", items)


def ideas(d: Disclosure) -> Section:
    items = [
        Item(
            f"Idea {row['id']}",
            {
                "idea": d.hide(row["text"]),
                "what_became_of_it": row["status"],
                "outcome": d.hide(row["outcome"]),
                "shared_at": as_datetime(row["created_at"]),
                "last_changed_at": as_datetime(row["updated_at"]),
            },
        )
        for row in d.rows("SELECT * FROM idea WHERE person_id = :p ORDER BY created_at, id")
    ]
    return Section("ideas", "Ideas", "Ideas you shared, and what became of them.", items)


def wins(d: Disclosure) -> Section:
    items = [
        Item(
            f"Win {row['id']}",
            {
                "win": d.hide(row["text"]),
                "when": as_datetime(row["occurred_at"]),
                "who_shared_it": ", ".join(["you", *[ANOTHER] * (int(row["present"]) - 1)]),
                "group": d.hide(row["group_name"]),
                "logged_by": row["logged_by"],
                "logged_at": as_datetime(row["created_at"]),
            },
        )
        for row in d.rows(
            "SELECT w.id, w.text, w.occurred_at, w.logged_by, w.created_at, g.name AS group_name, "
            "(SELECT count(*) FROM win_person o WHERE o.win_id = w.id) AS present "
            "FROM win w JOIN win_person wp ON wp.win_id = w.id LEFT JOIN community_group g ON g.id = w.group_id "
            "WHERE wp.person_id = :p ORDER BY w.occurred_at, w.id"
        )
    ]
    return Section("wins", "Wins", "Good things that happened, noted to celebrate.", items)


def groups(d: Disclosure) -> Section:
    items = [
        Item(
            d.hide(row["name"]) or "A group",
            {"joined_at": as_datetime(row["joined_at"]), "sessions_attended": int(row["attended"])},
        )
        for row in d.rows(
            "SELECT g.id, g.name, m.joined_at, (SELECT count(*) FROM conversation c JOIN conversation_person cp "
            "ON cp.conversation_id = c.id WHERE c.group_id = g.id AND cp.person_id = :p) AS attended "
            "FROM group_member m JOIN community_group g ON g.id = m.group_id WHERE m.person_id = :p "
            "ORDER BY m.joined_at, g.id"
        )
    ]
    return Section("groups", "Groups", "Groups you belong to, and how many sessions you came to.", items)


def wellbeing(d: Disclosure) -> Section:
    items = [
        Item(
            f"Score on {as_datetime(row['occurred_at']).astimezone().date().isoformat()}",  # type: ignore[union-attr]
            {
                "score_1_to_5": row["wellbeing"],
                "feeling": d.hide(row["feeling"]),
                "conversation": row["id"],
                "logged_by": row["logged_by"],
            },
        )
        for row in d.rows(
            "SELECT c.id, c.occurred_at, c.wellbeing, c.feeling, c.logged_by FROM conversation c "
            "JOIN conversation_person cp ON cp.conversation_id = c.id "
            "WHERE cp.person_id = :p AND c.wellbeing IS NOT NULL ORDER BY c.occurred_at, c.id",
        )
    ]
    return Section("wellbeing", "Wellbeing scores", "How you said you were, when asked.", items)


def measures(d: Disclosure) -> Section:
    """Each standard measure's answers, per conversation: ONS4 first, then the organisation's own."""
    from keepgoing.core.measures import TOTAL, Measure, get_measure, shown_order
    from keepgoing.errors import NotFound

    found: dict[tuple[str, int], dict[str, Any]] = {}
    for row in d.rows(
        "SELECT s.measure, s.conversation_id AS cid, s.item, s.value, c.occurred_at, c.logged_by "
        "FROM measure_score s JOIN conversation c ON c.id = s.conversation_id WHERE s.person_id = :p "
        "ORDER BY c.occurred_at, c.id, s.measure, s.item",
    ):
        entry = found.setdefault(
            (row["measure"], row["cid"]),
            {"when": as_datetime(row["occurred_at"]), "by": row["logged_by"], "values": {}},
        )
        entry["values"][row["item"]] = float(row["value"])
    known: dict[str, Measure | None] = {}
    items = []
    # Dicts keep the rows' order (by conversation), so sorting by measure alone keeps each in date order.
    for (key, cid), entry in sorted(found.items(), key=lambda kv: shown_order(kv[0][0])):
        if key not in known:
            try:
                known[key] = get_measure(d.store, key)
            except NotFound:  # a measure since removed: its answers as stored
                known[key] = None
        measure = known[key]
        given: dict[str, float] = entry["values"]
        order = [p.key for p in measure.parts] if measure is not None else []
        keys = [k for k in order if k in given] + sorted(
            (k for k in given if k not in order), key=lambda k: (k == TOTAL, k)
        )
        values: dict[str, Any] = {}
        for item_key in keys:
            number = given[item_key]
            shown_key = f"answer_{item_key}" if item_key in _MEASURE_KEYS else item_key
            values[shown_key] = int(number) if number.is_integer() else number
        values |= {
            "conversation": cid,
            "logged_by": entry["by"],
            "licence": measure.licence if measure is not None else None,
        }
        title = measure.title if measure is not None else key
        day = entry["when"].astimezone().date().isoformat() if entry["when"] else "an unknown day"
        items.append(Item(f"{title} on {day}", values))
    return Section(
        "measures",
        "Wellbeing questionnaires",
        "Your answers to standard wellbeing questions (such as the ONS personal well-being questions), "
        "by the day of the conversation you gave them in.",
        items,
    )


_MEASURE_KEYS = {"title", "conversation", "logged_by", "licence"}


def monitoring(d: Disclosure) -> Section:
    """Their consent to equality monitoring and each dated record, oldest first, with readable labels."""
    from keepgoing.core.monitoring import FIELDS, label

    items = []
    held = d.store.row(
        "SELECT given_on, recorded_at, recorded_by FROM monitoring_consent WHERE person_id = :p",
        {"p": d.person.id},
    )
    records = d.rows("SELECT * FROM monitoring WHERE person_id = :p ORDER BY asked_on")
    if held is not None or records:
        items.append(
            Item(
                "Consent to equality monitoring",
                {
                    "consent": "given" if held is not None else "not recorded",
                    "given_on": as_date(held["given_on"]) if held is not None else None,
                    "recorded_by": held["recorded_by"] if held is not None else None,
                    "recorded_at": as_datetime(held["recorded_at"]) if held is not None else None,
                },
            )
        )
    for row in records:
        asked = as_date(row["asked_on"])
        items.append(
            Item(
                f"Answers asked on {asked.isoformat() if asked else row['asked_on']}",
                {
                    "asked_on": asked,
                    **{name: label(name, row[name]) for name in FIELDS},
                    "recorded_by": row["recorded_by"],
                    "recorded_at": as_datetime(row["recorded_at"]),
                },
            )
        )
    return Section(
        "monitoring",
        "Equality monitoring",
        "Whether you agreed to answer equality monitoring questions (age, gender, ethnicity, disability, "
        'postcode district), and your answers each time you were asked. "Not asked" means no answer is held.',
        items,
    )


# In the order the copy reads. Append a section here; nothing else needs to change.
SECTIONS: list[Callable[[Disclosure], Section]] = [
    card,
    consent,
    conversations,
    follow_ups,
    notes,
    ideas,
    wins,
    groups,
    wellbeing,
    measures,
    monitoring,
]
