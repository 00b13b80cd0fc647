"""People: listing, adding, changing, pausing and archiving them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from keepgoing.core.matching import find_person, like_escape
from keepgoing.core.person import (
    DEFAULT_CADENCE_DAYS,
    PERSON_COLUMNS,
    Person,
    get_person,
    next_due,
)
from keepgoing.core.person_fields import DETAIL_CHECKS, check_cadence, check_how_many, checked_details
from keepgoing.errors import BadInput, EditConflict, NotFound, SameName
from keepgoing.storage import Store
from keepgoing.text import clean_name, clean_tag, name_key, worker_key


def _listed(tag: str | None, include_archived: bool, worker: str | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause choosing whom `people` lists, with its parameters."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if not include_archived:
        conditions.append("archived_at IS NULL")
    if tag:
        conditions.append("id IN (SELECT person_id FROM person_tag WHERE tag = :tag)")
        params["tag"] = clean_tag(tag)
    if worker is not None:
        conditions.append("worker = :worker")
        params["worker"] = worker_key(worker)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), params


def list_people(
    store: Store,
    *,
    tag: str | None = None,
    include_archived: bool = False,
    worker: str | None = None,
    limit: int | None = None,
) -> list[Person]:
    """Everyone (active and paused; archived too on request), by name, with aliases and tags.

    With `worker`, only the people they are key worker for; with `limit`, the first `limit` by name.
    """
    where, params = _listed(tag, include_archived, worker)
    page = ""
    if limit is not None:
        page = " LIMIT :limit"
        params["limit"] = limit
    with store.read():
        people = {
            row["id"]: Person.from_row(row)
            for row in store.rows(
                f"SELECT {PERSON_COLUMNS}, name_key FROM person {where} ORDER BY name_key{page}", params
            )
        }
        # A page of 20 reads only its own aliases and tags.
        chosen = f"WHERE person_id IN (SELECT id FROM person {where} ORDER BY name_key{page})"
        for row in store.rows(f"SELECT person_id, alias FROM alias {chosen} ORDER BY alias_key", params):
            people[row["person_id"]].aliases.append(row["alias"])
        for row in store.rows(f"SELECT person_id, tag FROM person_tag {chosen} ORDER BY tag", params):
            people[row["person_id"]].tags.append(row["tag"])
    return list(people.values())


def count_listed(
    store: Store, *, tag: str | None = None, include_archived: bool = False, worker: str | None = None
) -> int:
    """How many people `list_people` would list with no limit."""
    where, params = _listed(tag, include_archived, worker)
    return int(store.value(f"SELECT count(*) FROM person {where}", params) or 0)


def _ensure_free(store: Store, key: str, shown: str, *, except_person: int | None = None) -> None:
    row = store.row(
        "SELECT p.id, p.name FROM person p WHERE p.name_key = :k "
        "UNION ALL SELECT p.id, p.name FROM alias a JOIN person p ON p.id = a.person_id "
        "WHERE a.alias_key = :k",
        {"k": key},
    )
    if row is not None and row["id"] != except_person:
        raise BadInput(f'"{shown}" is already used by {row["name"]}; names must be unique.')


def _namesakes(store: Store, key: str) -> list[Any]:
    """The people whose own name has this key: "John Smith", and "John Smith (Tenants)"."""
    rows = store.rows(
        "SELECT id, name, name_key, organisation FROM person WHERE name_key = :k OR name_key LIKE :p ESCAPE '\\'",
        {"k": key, "p": like_escape(key) + " (%"},
    )
    return [row for row in rows if name_key(row["name"]) == key]


def _told_apart(
    store: Store, name: str, organisation: str | None, namesakes: list[Any], same_name: bool
) -> str:
    """The name key of a new person who shares `name`, once they can be told apart by organisation.

    The namesakes already here are keyed with their organisation too, so the
    name alone matches them all and asks which.
    """

    shown = sorted(
        f"{row['name']} ({row['organisation']})" if row["organisation"] else row["name"] for row in namesakes
    )
    if not organisation:
        raise BadInput(
            f'"{name}" is already used by {" and ".join(shown)}; to add a different person of the same name, '
            "give their organisation with --org so that the two can be told apart."
        )
    for row in namesakes:
        if not row["organisation"]:
            raise BadInput(
                f"{row['name']} is already here, with no organisation; give them theirs first "
                f'(keepgoing edit "{row["name"]}" --org ...) so that the two can be told apart.'
            )
        if name_key(row["organisation"]) == name_key(organisation):
            raise BadInput(f"{row['name']} ({row['organisation']}) is already here.")
    if not same_name:
        raise SameName(
            f"There is already {' and '.join(shown)}; to add {name} ({organisation}) as someone else, "
            "confirm, or add --yes.",
            shown,
        )
    for row in namesakes:
        key = name_key(f"{row['name']} ({row['organisation']})")
        if key != row["name_key"]:
            _ensure_free(store, key, f"{row['name']} ({row['organisation']})")
            store.run("UPDATE person SET name_key = :k WHERE id = :id", {"k": key, "id": row["id"]})
    return name_key(f"{name} ({organisation})")


def _add_aliases_and_tags(
    store: Store, person_id: int, aliases: list[str], tags: list[str]
) -> tuple[int, int]:
    """Aliases and tags, the person's search entry written once for all of them; returns how many of each were new."""
    if not (aliases or tags):
        return 0, 0
    with store.bulk_search_index():
        return _add_aliases(store, person_id, aliases), _add_tags(store, person_id, tags)


def _add_aliases(store: Store, person_id: int, aliases: list[str]) -> int:
    """Add the aliases they do not have yet; returns how many were new."""
    have = {
        r["alias_key"]
        for r in store.rows("SELECT alias_key FROM alias WHERE person_id = :p", {"p": person_id})
    }
    new = {name_key(alias): alias for alias in (clean_name(raw, "alias") for raw in aliases)}
    new = {key: alias for key, alias in new.items() if key not in have}
    check_how_many(len(have) + len(new), "alias")
    for key, alias in new.items():
        _ensure_free(store, key, alias, except_person=None)
        store.run(
            "INSERT INTO alias (person_id, alias, alias_key) VALUES (:p, :a, :k)",
            {"p": person_id, "a": alias, "k": key},
        )
    return len(new)


def _add_tags(store: Store, person_id: int, tags: list[str]) -> int:
    """Add the tags they do not have yet; returns how many were new."""
    have = {r["tag"] for r in store.rows("SELECT tag FROM person_tag WHERE person_id = :p", {"p": person_id})}
    new = [tag for tag in dict.fromkeys(clean_tag(t) for t in tags) if tag not in have]
    check_how_many(len(have) + len(new), "tag")
    for tag in new:
        store.run("INSERT INTO person_tag (person_id, tag) VALUES (:p, :t)", {"p": person_id, "t": tag})
    return len(new)


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
    same_name: bool = False,
    check_close: bool = False,
) -> Person:
    """Add someone; `worker` is their key worker, `by` who added them.

    With `check_close`, a name very like someone already here ("Priya Shaw"
    beside Priya Shah) raises `CloseName` (`matching.refuse_close`, the check
    `log --new` makes too).

    Someone of the same name may be added, with `same_name` (asked for by
    `SameName` otherwise), when the organisations tell the two apart: each is
    then kept, shown and matched as "John Smith (Food bank)" (`person.label`).
    """
    name = clean_name(name)
    cadence = check_cadence(cadence_days or DEFAULT_CADENCE_DAYS)
    details = checked_details(
        organisation=organisation, role=role, phone=phone, email=email, prefers=prefers, note=note
    )
    fields = {
        "name": name,
        "name_key": name_key(name),
        **{column: details.get(column) for column in DETAIL_CHECKS},
        "cadence_days": cadence,
        "created_at": now,
        "updated_at": now,
        "due_on": next_due(now, cadence),
        "worker": worker_key(worker) if worker else None,
        "updated_by": by,
        **(consent or {}),
    }
    with store.write():
        namesakes = _namesakes(store, fields["name_key"])
        if namesakes:
            fields["name_key"] = _told_apart(store, name, details.get("organisation"), namesakes, same_name)
        _ensure_free(store, fields["name_key"], name)
        if check_close and not namesakes:
            from keepgoing.core.matching import refuse_close

            refuse_close(store, name, instead="if they are the same person, there is no need to add them")
        person_id = store.insert(
            f"INSERT INTO person ({', '.join(fields)}) "
            f"VALUES ({', '.join(':' + k for k in fields)}) RETURNING id",
            fields,
        )
        _add_aliases_and_tags(store, person_id, aliases or [], tags or [])
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
    same_name: bool = False,
    new_worker: bool = False,
) -> tuple[Person, list[str]]:
    """Change what is given (None leaves a field; "" clears an optional one).

    `expected_version` is the version the change was based on (from `show
    --json`, or read when an edit form was opened): if someone else has saved
    a change since, nothing is written and `EditConflict` says who and when.
    Returns the person afterwards and a list of what changed, for the echo
    (empty when every value given is what they already have: nothing is written).
    """
    with store.write():
        # An id: the person an edit form was opened for, even if renamed since.
        person = get_person(store, query) if isinstance(query, int) else find_person(store, query)
        if expected_version is not None and person.version != expected_version:
            raise EditConflict(person)
        updates: dict[str, Any] = {}
        if name is not None:
            updates.update(_renamed(store, person, name, organisation, same_name))
        updates.update(
            checked_details(
                organisation=organisation, role=role, phone=phone, email=email, prefers=prefers, note=note
            )
        )
        if cadence_days is not None:
            updates["cadence_days"] = check_cadence(cadence_days)
            base = person.last_contact_at or person.created_at
            updates["due_on"] = next_due(base, cadence_days)
        if consent:
            updates.update(consent)
        if worker is not None:
            updates["worker"] = _checked_key_worker(store, person, worker, by=by, new=new_worker)
        asked = bool(updates or add_tags or add_aliases or remove_tags or remove_aliases)
        updates, changed = _real_changes(person, updates)
        if person.label != person.name and "organisation" in updates and "name" not in updates:
            _keyed_by_organisation(store, person, updates)
        changed += _remove_tags_and_aliases(store, person, remove_tags or [], remove_aliases or [])
        # After the removals, so that one edit can swap an alias or tag at the cap.
        new_aliases, new_tags = _add_aliases_and_tags(store, person.id, add_aliases or [], add_tags or [])
        if new_tags:
            changed.append("tags")
        if new_aliases:
            changed.append("aliases")
        if not asked:
            raise BadInput("Nothing to change: give at least one option (see keepgoing edit --help).")
        if not changed:
            return person, []
        save_version(store, person, {**updates, "updated_at": now, "updated_by": by})
        return get_person(store, person.id), list(dict.fromkeys(changed))


def _renamed(
    store: Store, person: Person, name: str, organisation: str | None, same_name: bool
) -> dict[str, Any]:
    """The new name and its key; renamed to someone else's name, told apart by organisation as for
    `add`, once confirmed."""
    new_name = clean_name(name)
    new_key = name_key(new_name)
    namesakes = [row for row in _namesakes(store, new_key) if row["id"] != person.id]
    if namesakes:
        their_org = person.organisation if organisation is None else organisation.strip() or None
        new_key = _told_apart(store, new_name, their_org, namesakes, same_name)
    _ensure_free(store, new_key, new_name, except_person=person.id)
    return {"name": new_name, "name_key": new_key}


def _checked_key_worker(
    store: Store, person: Person, worker: str, *, by: str | None, new: bool
) -> str | None:
    """The key worker to give them ("" for none), checked when it is someone new to them."""
    key = worker_key(worker) if worker.strip() else None
    if key is not None and key != person.worker:
        from keepgoing.core.workers import check_worker

        check_worker(store, key, me=by, new=new)
    return key


def _real_changes(person: Person, updates: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the updates that change something, what changed in words): a value they already have is
    no change (the name key and due day follow the name and rhythm)."""
    updates = {c: v for c, v in updates.items() if c in ("name_key", "due_on") or getattr(person, c) != v}
    if "name" not in updates:
        updates.pop("name_key", None)
    if "cadence_days" not in updates:
        updates.pop("due_on", None)
    changed = [c for c in updates if c not in ("name_key", "due_on")]
    if "consent" in changed and "consent_on" in changed:
        changed.remove("consent_on")  # the day consent changed goes with the change
    return updates, changed


def _keyed_by_organisation(store: Store, person: Person, updates: dict[str, Any]) -> None:
    """Someone who shares their name is keyed by it with their organisation (see `_told_apart`):
    a new organisation gives them a new key, and none is refused."""
    if not updates["organisation"]:
        raise BadInput(
            f"{person.label} shares a name with someone else and is told apart by organisation; "
            "give another organisation rather than none."
        )
    shown = f"{person.name} ({updates['organisation']})"
    updates["name_key"] = name_key(shown)
    _ensure_free(store, updates["name_key"], shown, except_person=person.id)


def _remove_tags_and_aliases(store: Store, person: Person, tags: list[str], aliases: list[str]) -> list[str]:
    """Take the tags and aliases off (each must be theirs); what changed, in words."""
    changed = []
    for table, column, word, given, key in (
        ("person_tag", "tag", "tag", tags, clean_tag),
        ("alias", "alias_key", "alias", aliases, name_key),
    ):
        for value in given:
            if not store.run(
                f"DELETE FROM {table} WHERE person_id = :p AND {column} = :v",
                {"p": person.id, "v": key(value)},
            ):
                raise BadInput(f'{person.name} has no {word} "{value}".')
            changed.append(f"{word}s")
    return changed


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


def assign_worker(
    store: Store,
    queries: list[str],
    *,
    worker: str,
    now: datetime,
    tag: str | None = None,
    by: str | None = None,
    new_worker: bool = False,
) -> list[tuple[Person, bool]]:
    """Make `worker` key worker for several people at once: those named, or everyone tagged `tag`.

    Everyone is found before anything is written, and it is one transaction:
    a name that matches nobody (or an unknown worker) changes nobody.
    Returns each person afterwards, and whether they changed.
    """
    with store.write():
        if tag is not None:
            people = list_people(store, tag=tag)
            if not people:
                raise NotFound(f"Nobody is tagged {clean_tag(tag)}.")
        else:
            people = list({p.id: p for p in (find_person(store, q) for q in queries)}.values())
        done: list[tuple[Person, bool]] = []
        for person in people:
            updated, changed = edit_person(
                store, person.id, now=now, worker=worker, by=by, new_worker=new_worker
            )
            done.append((updated, bool(changed)))
        return done


def pause_person(
    store: Store, query: str, *, until: date, today: date, now: datetime, reason: str | None = None
) -> tuple[Person, bool]:
    """Pause someone until a day, with why if given; also says whether anything changed.

    A pause is described whole by its day and its reason: pausing again without a
    reason leaves none.
    """
    from keepgoing.core.person_fields import check_pause_reason

    if until <= today:
        raise BadInput("A pause has to end after today.")
    reason = check_pause_reason(reason)
    with store.write():
        person = find_person(store, query)
        if person.paused_until == until and person.pause_reason == reason:
            return person, False
        store.run(
            "UPDATE person SET paused_until = :u, pause_reason = :r, updated_at = :now WHERE id = :id",
            {"u": until, "r": reason, "now": now, "id": person.id},
        )
        return get_person(store, person.id), True


def resume_person(store: Store, query: str, *, now: datetime) -> tuple[Person, bool]:
    """Bring a paused or archived person back into the rhythm; also says whether they were out of it."""
    with store.write():
        person = find_person(store, query)
        if person.paused_until is None and person.archived_at is None:
            return person, False
        store.run(
            "UPDATE person SET paused_until = NULL, pause_reason = NULL, archived_at = NULL, updated_at = :now "
            "WHERE id = :id",
            {"now": now, "id": person.id},
        )
        return get_person(store, person.id), True


def archive_person(store: Store, query: str, *, now: datetime) -> tuple[Person, bool]:
    """Archive someone; also says whether they were not archived already."""
    with store.write():
        person = find_person(store, query)
        if person.archived_at is not None:
            return person, False
        store.run(
            "UPDATE person SET archived_at = :now, updated_at = :now WHERE id = :id",
            {"now": now, "id": person.id},
        )
        return get_person(store, person.id), True
