"""People: adding, finding by name, listing, changing and retiring them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from keepgoing.core.channels import parse_channel
from keepgoing.errors import Ambiguous, BadInput, EditConflict, NotFound
from keepgoing.storage import Store
from keepgoing.storage.values import as_date, as_datetime
from keepgoing.text import clean_name, clean_tag, fold, name_key, optional, worker_key

DEFAULT_CADENCE_DAYS = 30
MAX_CANDIDATES_SHOWN = 8

PERSON_COLUMNS = (
    "id, name, organisation, role, phone, email, prefers, note, cadence_days, created_at, "
    "last_contact_at, last_contact_via, due_on, paused_until, archived_at, consent, consent_channels, "
    "consent_note, consent_on, consent_review_on, wellbeing_drop, worker, version, updated_by"
)
CONSENT = ("given", "withdrawn")


@dataclass
class Person:
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
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Any) -> Person:
        return cls(
            id=row["id"],
            name=row["name"],
            organisation=row["organisation"],
            role=row["role"],
            phone=row["phone"],
            email=row["email"],
            prefers=row["prefers"],
            note=row["note"],
            cadence_days=row["cadence_days"],
            created_at=as_datetime(row["created_at"]),
            last_contact_at=as_datetime(row["last_contact_at"]),
            last_contact_via=row["last_contact_via"],
            due_on=as_date(row["due_on"]),
            paused_until=as_date(row["paused_until"]),
            archived_at=as_datetime(row["archived_at"]),
            consent=row["consent"],
            consent_channels=row["consent_channels"],
            consent_note=row["consent_note"],
            consent_on=as_date(row["consent_on"]),
            consent_review_on=as_date(row["consent_review_on"]),
            wellbeing_drop=row["wellbeing_drop"],
            worker=row["worker"],
            version=row["version"],
            updated_by=row["updated_by"],
        )

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


def iso(moment: datetime | None) -> str | None:
    """An instant as ISO 8601 in the user's local time, with its offset."""
    return moment.astimezone().isoformat(timespec="seconds") if moment else None


def next_due(base: datetime, cadence_days: int) -> date:
    return base.astimezone().date() + timedelta(days=cadence_days)


# --- finding people by what the user typed -------------------------------------------


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match_tier(query: str, key: str) -> int | None:
    """0: the whole name; 1: a whole word of it; 2: the start of it or of a word."""
    if key == query:
        return 0
    words = key.split()
    if query in words:
        return 1
    if key.startswith(query) or any(word.startswith(query) for word in words):
        return 2
    return None


def find_person(store: Store, query: str, *, purpose: str = "") -> Person:
    """The one person `query` names (full name, alias, word or unique prefix)."""
    key = name_key(query)
    if not key:
        raise BadInput("A name cannot be empty.")
    # The whole name or alias, through their unique indexes: the usual case, and
    # the best tier whatever else matches, so the scans below are not needed.
    exact = store.rows(
        "SELECT id FROM person WHERE name_key = :key UNION SELECT person_id AS id FROM alias WHERE alias_key = :key",
        {"key": key},
    )
    if len(exact) == 1:
        return get_person(store, exact[0]["id"])
    params = {
        "exact": key,
        "prefix": like_escape(key) + "%",
        "word": "% " + like_escape(key) + "%",
    }
    where = "{col} = :exact OR {col} LIKE :prefix ESCAPE '\\' OR {col} LIKE :word ESCAPE '\\'"
    hits: dict[int, tuple[int, str]] = {}
    for row in store.rows(
        f"SELECT id, name, name_key AS k FROM person WHERE {where.format(col='name_key')}", params
    ):
        tier = _match_tier(key, row["k"])
        if tier is not None:
            hits[row["id"]] = (tier, row["name"])
    for row in store.rows(
        "SELECT p.id, p.name, a.alias_key AS k FROM alias a JOIN person p ON p.id = a.person_id "
        f"WHERE {where.format(col='a.alias_key')}",
        params,
    ):
        tier = _match_tier(key, row["k"])
        if tier is not None and tier < hits.get(row["id"], (9, ""))[0]:
            hits[row["id"]] = (tier, row["name"])
    if not hits:
        hits = _accent_blind_hits(store, key)
    if not hits:
        raise NotFound(_not_found_message(store, query, key, purpose))
    best = min(tier for tier, _ in hits.values())
    chosen = sorted((name, pid) for pid, (tier, name) in hits.items() if tier == best)
    if len(chosen) > 1:
        names = [name for name, _ in chosen]
        shown = ", ".join(names[:MAX_CANDIDATES_SHOWN])
        more = len(names) - MAX_CANDIDATES_SHOWN
        if more > 0:
            shown += f" and {more} more"
        raise Ambiguous(
            f'"{query.strip()}" could be {len(names)} people: {shown}. Type more of the name.',
            names,
            query,
        )
    return get_person(store, chosen[0][1])


def lookalike(store: Store, name: str) -> str | None:
    """The name of someone already here whom `name` copies in another alphabet ("Ѕam", Cyrillic Ѕ, for "Sam").

    Only a name mixing alphabets is looked at, so everyday names pay nothing.
    """
    import unicodedata

    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in name if c.isalpha()}
    if len(scripts) < 2:
        return None
    from confusable_homoglyphs import confusables

    latin = name
    for found in confusables.is_confusable(name, preferred_aliases=["latin"], greedy=True) or []:
        if found["homoglyphs"]:
            latin = latin.replace(found["character"], found["homoglyphs"][0]["c"])
    if latin == name:
        return None
    row = store.row(
        "SELECT name FROM person WHERE name_key = :k UNION SELECT p.name FROM alias a "
        "JOIN person p ON p.id = a.person_id WHERE a.alias_key = :k",
        {"k": name_key(latin)},
    )
    return row["name"] if row else None


def _accent_blind_hits(store: Store, key: str) -> dict[int, tuple[int, str]]:
    """The same tiers with accents ignored: a slower scan, only when nothing matched exactly."""
    folded = fold(key)
    hits: dict[int, tuple[int, str]] = {}
    for row in store.stream(
        "SELECT id, name, name_key AS k FROM person UNION ALL "
        "SELECT p.id, p.name, a.alias_key AS k FROM alias a JOIN person p ON p.id = a.person_id"
    ):
        tier = _match_tier(folded, fold(row["k"]))
        if tier is not None and tier < hits.get(row["id"], (9, ""))[0]:
            hits[row["id"]] = (tier, row["name"])
    return hits


def _not_found_message(store: Store, query: str, key: str, purpose: str) -> str:
    import difflib

    keys = {row["k"]: row["name"] for row in store.rows("SELECT name_key AS k, name FROM person")}
    close = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)
    message = f'No one called "{query.strip()}".'
    if close:
        return message + " Did you mean " + " or ".join(keys[k] for k in close) + "?"
    if purpose == "log":
        return message + " Add them with keepgoing add, or log with --new."
    return message + " See everyone with keepgoing people."


def get_person(store: Store, person_id: int) -> Person:
    row = store.row(f"SELECT {PERSON_COLUMNS} FROM person WHERE id = :id", {"id": person_id})
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
    return store.row("SELECT count(*) AS n FROM person")["n"]


def list_people(
    store: Store, *, tag: str | None = None, include_archived: bool = False, worker: str | None = None
) -> list[Person]:
    """Everyone (active and paused; archived too on request), by name, with aliases and tags.

    With `worker`, only the people they are key worker for.
    """
    conditions, params = [], {}
    if not include_archived:
        conditions.append("archived_at IS NULL")
    if tag:
        conditions.append("id IN (SELECT person_id FROM person_tag WHERE tag = :tag)")
        params["tag"] = clean_tag(tag)
    if worker is not None:
        conditions.append("worker = :worker")
        params["worker"] = worker_key(worker)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    with store.read():
        people = {
            row["id"]: Person.from_row(row)
            for row in store.rows(f"SELECT {PERSON_COLUMNS} FROM person {where} ORDER BY name_key", params)
        }
        for row in store.rows("SELECT person_id, alias FROM alias ORDER BY alias_key"):
            if row["person_id"] in people:
                people[row["person_id"]].aliases.append(row["alias"])
        for row in store.rows("SELECT person_id, tag FROM person_tag ORDER BY tag"):
            if row["person_id"] in people:
                people[row["person_id"]].tags.append(row["tag"])
    return list(people.values())


# --- adding and changing ----------------------------------------------------------


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Lenient on purpose: phones export "+44 (0)7700 900123", "555-0100 ext. 4", "*31#".
_PHONE = re.compile(r"^[+0-9 ()./#*,;-]*(?:(?:ext\.?|x) ?[0-9]+)?$", re.IGNORECASE)


def check_email(email: str | None) -> str | None:
    email = optional(email, "email")
    if email is not None and not _EMAIL.match(email):
        raise BadInput(f'"{email}" does not look like an email address.')
    return email


def check_phone(phone: str | None) -> str | None:
    phone = optional(phone, "phone")
    if phone is not None and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 3):
        raise BadInput(f'"{phone}" does not look like a phone number.')
    return phone


def check_cadence(days: int) -> int:
    if not 1 <= days <= 3650:
        raise BadInput("A check-in rhythm must be between 1 day and 10 years.")
    return days


def _ensure_free(store: Store, key: str, shown: str, *, except_person: int | None = None) -> None:
    row = store.row(
        "SELECT p.id, p.name FROM person p WHERE p.name_key = :k "
        "UNION ALL SELECT p.id, p.name FROM alias a JOIN person p ON p.id = a.person_id "
        "WHERE a.alias_key = :k",
        {"k": key},
    )
    if row is not None and row["id"] != except_person:
        raise BadInput(f'"{shown}" is already used by {row["name"]}; names must be unique.')


def _add_aliases(store: Store, person_id: int, aliases: list[str]) -> None:
    for raw in aliases:
        alias = clean_name(raw, "alias")
        key = name_key(alias)
        if store.row(
            "SELECT 1 AS x FROM alias WHERE person_id = :p AND alias_key = :k",
            {"p": person_id, "k": key},
        ):
            continue
        _ensure_free(store, key, alias, except_person=None)
        store.run(
            "INSERT INTO alias (person_id, alias, alias_key) VALUES (:p, :a, :k)",
            {"p": person_id, "a": alias, "k": key},
        )


def _add_tags(store: Store, person_id: int, tags: list[str]) -> None:
    have = {r["tag"] for r in store.rows("SELECT tag FROM person_tag WHERE person_id = :p", {"p": person_id})}
    for tag in dict.fromkeys(clean_tag(t) for t in tags):
        if tag not in have:
            store.run("INSERT INTO person_tag (person_id, tag) VALUES (:p, :t)", {"p": person_id, "t": tag})


def check_consent(consent: str | None) -> str | None:
    if consent is None:
        return None
    value = consent.strip().casefold()
    if value not in CONSENT:
        raise BadInput(f'Consent is "given" or "withdrawn", not "{consent}".')
    return value


def check_channels(channels: str | None) -> str | None:
    """A comma-separated list of channels, as stored: "text,phone"."""
    if channels is None or not channels.strip():
        return None
    return ",".join(
        dict.fromkeys(parse_channel(c) for c in channels.replace(";", ",").split(",") if c.strip())
    )


def consent_fields(
    *,
    consent: str | None,
    channels: str | None,
    note: str | None,
    review_on: date | None,
    today: date,
) -> dict[str, Any]:
    """The consent columns to write; only what was given."""
    fields: dict[str, Any] = {}
    if consent is not None:
        fields["consent"] = check_consent(consent)
        fields["consent_on"] = today
    if channels is not None:
        fields["consent_channels"] = check_channels(channels)
    if note is not None:
        fields["consent_note"] = optional(note, "follow-up")
    if review_on is not None:
        fields["consent_review_on"] = review_on
    return fields


def add_person(
    store: Store,
    name: str,
    *,
    now: datetime,
    organisation: str | None = None,
    role: str | None = None,
    tags: list[str] | None = None,
    cadence_days: int | None = None,
    prefers: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    aliases: list[str] | None = None,
    note: str | None = None,
    consent: dict[str, Any] | None = None,
    worker: str | None = None,
    by: str | None = None,
) -> Person:
    """Add someone; `worker` is their key worker, `by` who added them."""
    name = clean_name(name)
    cadence = check_cadence(cadence_days or DEFAULT_CADENCE_DAYS)
    fields = {
        "name": name,
        "name_key": name_key(name),
        "organisation": optional(organisation, "organisation"),
        "role": optional(role, "role"),
        "phone": check_phone(phone),
        "email": check_email(email),
        "prefers": parse_channel(prefers) if prefers else None,
        "note": optional(note, "note"),
        "cadence_days": cadence,
        "created_at": now,
        "updated_at": now,
        "due_on": next_due(now, cadence),
        "worker": worker_key(worker) if worker else None,
        "updated_by": by,
        **(consent or {}),
    }
    with store.write():
        _ensure_free(store, fields["name_key"], name)
        person_id = store.insert(
            f"INSERT INTO person ({', '.join(fields)}) "
            f"VALUES ({', '.join(':' + k for k in fields)}) RETURNING id",
            fields,
        )
        _add_aliases(store, person_id, aliases or [])
        _add_tags(store, person_id, tags or [])
        return get_person(store, person_id)


def edit_person(
    store: Store,
    query: str | int,
    *,
    now: datetime,
    name: str | None = None,
    organisation: str | None = None,
    role: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    prefers: str | None = None,
    note: str | None = None,
    cadence_days: int | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    add_aliases: list[str] | None = None,
    remove_aliases: list[str] | None = None,
    consent: dict[str, Any] | None = None,
    worker: str | None = None,
    by: str | None = None,
    expected_version: int | None = None,
) -> tuple[Person, list[str]]:
    """Change what is given (None leaves a field; "" clears an optional one).

    `expected_version` is the version the change was based on (from `show
    --json`, or read when an edit form was opened): if someone else has saved
    a change since, nothing is written and `EditConflict` says who and when.
    Returns the person afterwards and a list of what changed, for the echo.
    """
    with store.write():
        # An id: the person an edit form was opened for, even if renamed since.
        person = get_person(store, query) if isinstance(query, int) else find_person(store, query)
        if expected_version is not None and person.version != expected_version:
            raise EditConflict(person)
        updates: dict[str, Any] = {}
        if name is not None:
            new_name = clean_name(name)
            _ensure_free(store, name_key(new_name), new_name, except_person=person.id)
            updates.update(name=new_name, name_key=name_key(new_name))
        checks = {
            "organisation": lambda v: optional(v, "organisation"),
            "role": lambda v: optional(v, "role"),
            "phone": check_phone,
            "email": check_email,
            "note": lambda v: optional(v, "note"),
            "prefers": lambda v: parse_channel(v) if v.strip() else None,
        }
        given = {
            "organisation": organisation,
            "role": role,
            "phone": phone,
            "email": email,
            "note": note,
            "prefers": prefers,
        }
        for column, value in given.items():
            if value is not None:
                updates[column] = checks[column](value)
        if cadence_days is not None:
            updates["cadence_days"] = check_cadence(cadence_days)
            base = person.last_contact_at or person.created_at
            updates["due_on"] = next_due(base, cadence_days)
        if consent:
            updates.update(consent)
        if worker is not None:
            updates["worker"] = worker_key(worker) if worker.strip() else None
        changed = [c for c in updates if c not in ("name_key", "due_on", "consent_on")]
        if add_tags:
            _add_tags(store, person.id, add_tags)
            changed.append("tags")
        for tag in remove_tags or []:
            if not store.run(
                "DELETE FROM person_tag WHERE person_id = :p AND tag = :t",
                {"p": person.id, "t": clean_tag(tag)},
            ):
                raise BadInput(f'{person.name} has no tag "{tag}".')
            changed.append("tags")
        if add_aliases:
            _add_aliases(store, person.id, add_aliases)
            changed.append("aliases")
        for alias in remove_aliases or []:
            if not store.run(
                "DELETE FROM alias WHERE person_id = :p AND alias_key = :k",
                {"p": person.id, "k": name_key(alias)},
            ):
                raise BadInput(f'{person.name} has no alias "{alias}".')
            changed.append("aliases")
        if not changed:
            raise BadInput("Nothing to change: give at least one option (see keepgoing edit --help).")
        save_version(store, person, {**updates, "updated_at": now, "updated_by": by})
        return get_person(store, person.id), list(dict.fromkeys(changed))


def save_version(store: Store, person: Person, updates: dict[str, Any]) -> None:
    """Write `updates` and bump the version, only if nobody saved since `person` was read.

    The version check is in the UPDATE itself, so it also holds on a server
    database where another worker's transaction may commit between our read
    and our write.
    """
    assignments = "".join(f"{column} = :{column}, " for column in updates)
    saved = store.run(
        f"UPDATE person SET {assignments}version = version + 1 WHERE id = :id AND version = :seen",
        {**updates, "id": person.id, "seen": person.version},
    )
    if not saved:
        raise EditConflict(get_person(store, person.id))


def pause_person(store: Store, query: str, *, until: date, today: date, now: datetime) -> Person:
    if until <= today:
        raise BadInput("A pause has to end after today.")
    with store.write():
        person = find_person(store, query)
        store.run(
            "UPDATE person SET paused_until = :u, updated_at = :now WHERE id = :id",
            {"u": until, "now": now, "id": person.id},
        )
        return get_person(store, person.id)


def resume_person(store: Store, query: str, *, now: datetime) -> Person:
    """Bring a paused or archived person back into the rhythm."""
    with store.write():
        person = find_person(store, query)
        if person.paused_until is None and person.archived_at is None:
            raise BadInput(f"{person.name} is not paused or archived.")
        store.run(
            "UPDATE person SET paused_until = NULL, archived_at = NULL, updated_at = :now WHERE id = :id",
            {"now": now, "id": person.id},
        )
        return get_person(store, person.id)


def archive_person(store: Store, query: str, *, now: datetime) -> Person:
    with store.write():
        person = find_person(store, query)
        if person.archived_at is not None:
            raise BadInput(f"{person.name} is already archived.")
        store.run(
            "UPDATE person SET archived_at = :now, updated_at = :now WHERE id = :id",
            {"now": now, "id": person.id},
        )
        return get_person(store, person.id)
