"""A person as the core sees them, and reading one from the store."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from keepgoing.errors import NotFound
from keepgoing.storage import Store
from keepgoing.storage.columns import COLUMNS, DAYS, INSTANTS
from keepgoing.storage.date_encoding import as_date, as_datetime

DEFAULT_CADENCE_DAYS = 30


@dataclass
class Person:
    """Someone the worker keeps in touch with: their row in the person table, with aliases and tags."""

    id: int
    name: str
    cadence_days: int
    created_at: datetime
    due_on: date
    organisation: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    prefers: str | None = None
    note: str | None = None
    last_contact_at: datetime | None = None
    last_contact_via: str | None = None
    paused_until: date | None = None
    archived_at: datetime | None = None
    consent: str | None = None
    consent_channels: str | None = None
    consent_note: str | None = None
    consent_on: date | None = None
    consent_review_on: date | None = None
    wellbeing_drop: str | None = None
    worker: str | None = None
    version: int = 1
    updated_by: str | None = None
    pause_reason: str | None = None
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # How they are shown and matched: their name, or "John Smith (Food bank)" when
    # someone else has the same name (see `label`).
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or self.name

    @classmethod
    def from_row(cls, row: Any) -> Person:
        values: dict[str, Any] = {}
        for column in PERSON_FIELDS:
            value = row[column]
            if ("person", column) in INSTANTS:
                value = as_datetime(value)
            elif ("person", column) in DAYS:
                value = as_date(value)
            values[column] = value
        if "name_key" in row.keys():  # noqa: SIM118 (`in` on an sqlite3.Row looks at the values)
            values["label"] = label(row["name"], row["name_key"], row["organisation"])
        return cls(**values)

    def is_due(self, today: date) -> bool:
        """Due a check-in today: the Python side of `rhythm.due_list` (keep the two alike)."""
        return self.is_active(today) and self.due_on <= today

    def is_active(self, today: date) -> bool:
        """Someone keepgoing reminds you about: the Python side of `ACTIVE` (keep the two alike)."""
        return self.status(today) == "active" and self.consent != "withdrawn"

    def status(self, today: date) -> str:
        if self.archived_at is not None:
            return "archived"
        if self.paused_until is not None and self.paused_until > today:
            return "paused"
        return "active"

    @property
    def last_contact_day(self) -> date | None:
        return self.last_contact_at.astimezone().date() if self.last_contact_at else None

    def to_json(self, today: date) -> dict[str, Any]:
        last = self.last_contact_day
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "aliases": self.aliases,
            "tags": self.tags,
            "organisation": self.organisation,
            "role": self.role,
            "phone": self.phone,
            "email": self.email,
            "prefers": self.prefers,
            "note": self.note,
            "cadence_days": self.cadence_days,
            "status": self.status(today),
            "last_contact": iso(self.last_contact_at),
            "last_contact_via": self.last_contact_via,
            "days_since_contact": (today - last).days if last else None,
            "due_on": self.due_on.isoformat(),
            "paused_until": self.paused_until.isoformat() if self.paused_until else None,
            "pause_reason": self.pause_reason,
            "archived_at": iso(self.archived_at),
            "created_at": iso(self.created_at),
            "consent": self.consent,
            "consent_channels": self.consent_channels.split(",") if self.consent_channels else [],
            "consent_note": self.consent_note,
            "consent_on": self.consent_on.isoformat() if self.consent_on else None,
            "consent_review_on": self.consent_review_on.isoformat() if self.consent_review_on else None,
            "wellbeing_drop": self.wellbeing_drop,
            "worker": self.worker,
            "version": self.version,
        }


# Active: someone keepgoing reminds you about on :today, as a condition on the person table
# as p: not archived, not paused, and not someone who has withdrawn consent to be contacted.
# Due: active, and their due day has come (core/rhythm.py). `due`, `stats`, `report`, the
# calendar and the screens all mean this (Person.is_active and Person.is_due in Python).
CONSENTING = "(p.consent IS NULL OR p.consent <> 'withdrawn')"
ACTIVE = f"p.archived_at IS NULL AND (p.paused_until IS NULL OR p.paused_until <= :today) AND {CONSENTING}"


def iso(moment: datetime | None) -> str | None:
    """An instant as ISO 8601 in the user's local time, with its offset."""
    return moment.astimezone().isoformat(timespec="seconds") if moment else None


def next_due(base: datetime, cadence_days: int) -> date:
    return base.astimezone().date() + timedelta(days=cadence_days)


# The person's columns the core reads: every field of Person the table has (models.py
# defines the table; tests/test_docs.py checks no column is left out by accident).
PERSON_FIELDS = tuple(f.name for f in fields(Person) if f.name in COLUMNS["person"])
PERSON_COLUMNS = ", ".join(PERSON_FIELDS)


def label(name: str, key: str, organisation: str | None) -> str:
    """A person as shown and matched: "John Smith", or "John Smith (Food bank)" when they share the name.

    Two people may share a name when their organisations differ: each one's
    name key (unique) is then the name with the organisation, "john smith
    (food bank)", and the name alone is ambiguous (`people.add_person`).
    """
    from keepgoing.text import name_key

    if organisation and key != name_key(name):
        return f"{name} ({organisation})"
    return name


def get_person(store: Store, person_id: int) -> Person:
    row = store.row(f"SELECT {PERSON_COLUMNS}, name_key FROM person WHERE id = :id", {"id": person_id})
    if row is None:
        raise NotFound(f"No person with id {person_id}.")
    person = Person.from_row(row)
    person.aliases = [
        r["alias"]
        for r in store.rows(
            "SELECT alias FROM alias WHERE person_id = :id ORDER BY alias_key", {"id": person_id}
        )
    ]
    person.tags = [
        r["tag"]
        for r in store.rows(
            "SELECT tag FROM person_tag WHERE person_id = :id ORDER BY tag", {"id": person_id}
        )
    ]
    return person


def count_people(store: Store) -> int:
    return int(store.value("SELECT count(*) AS n FROM person"))
