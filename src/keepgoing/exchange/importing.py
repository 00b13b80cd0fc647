"""Bringing people and history in, all or nothing.

Every format reader (`exchange/formats`, started by `exchange/file_import.py`)
hands plain fields to one `Importer`, which validates them with the same rules
as `add` and `log`, matches people who already exist (same name or alias; a
different name with the same email is refused, never merged) instead of
duplicating them, skips conversations and follow-ups already in the store, and writes
everything in the caller's single transaction. A bad item raises
`ImportProblem` naming the file, the line (or item) and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

from keepgoing.core.channels import parse_channel
from keepgoing.core.conversations import check_said
from keepgoing.core.person import DEFAULT_CADENCE_DAYS, next_due
from keepgoing.core.person_fields import (
    DETAIL_CHECKS,
    check_cadence,
    check_channels,
    check_consent,
    check_consent_note,
    check_how_many,
    check_pause_reason,
    checked_details,
)
from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store, bulk
from keepgoing.storage.date_encoding import EARLIEST, LATEST, as_datetime, read_datetime
from keepgoing.storage.numbers import highest_given, move_past_given
from keepgoing.text import clean_name, clean_tag, loose_key, name_key, optional, required, worker_key

BATCH = 5_000
TABLES = ("person", "conversation", "follow_up", "community_group", "person_note", "idea", "win")


class ImportProblem(BadInput):
    """A bad item in an import file; nothing has been written."""


@dataclass
class ImportReport:
    """What an import added, matched and skipped, forgotten people left out included."""

    file: str
    format: str
    dry_run: bool = False
    people_added: list[str] = field(default_factory=list)
    people_matched: list[str] = field(default_factory=list)
    conversations_added: int = 0
    conversations_skipped: int = 0
    follow_ups_added: int = 0
    follow_ups_skipped: int = 0
    others_added: int = 0  # notes, ideas, groups and wins
    others_skipped: int = 0
    notes: list[str] = field(default_factory=list)
    # People left out because they were forgotten here (the day each was), and what was only theirs.
    forgotten_on: list[date] = field(default_factory=list)
    forgotten_items_skipped: int = 0
    # Forgotten people brought back on purpose (--include-forgotten), their tombstones lifted.
    brought_back: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "people_added": self.people_added,
            "people_matched": self.people_matched,
            "conversations_added": self.conversations_added,
            "conversations_skipped": self.conversations_skipped,
            "follow_ups_added": self.follow_ups_added,
            "follow_ups_skipped": self.follow_ups_skipped,
            "others_added": self.others_added,
            "others_skipped": self.others_skipped,
            "notes": self.notes,
            "forgotten_skipped": len(self.forgotten_on),
            "forgotten_on": sorted({d.isoformat() for d in self.forgotten_on}),
            "forgotten_items_skipped": self.forgotten_items_skipped,
            "brought_back": self.brought_back,
        }


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class ImportJob:
    """One import as a reader sees it: where to, what it reports, and what it was asked."""

    store: Store
    report: ImportReport
    now: datetime
    tick: Callable[[], None]
    columns: dict[str, tuple[str, str]] | None = None  # a CSV's --columns, parsed
    assign: str | None = None
    include: list[str] | None = None

    def run(self, read: Callable[[Importer], None]) -> ImportReport:
        """`read` the file into one `Importer` in one transaction (rolled back for a dry run)."""
        store, report = self.store, self.report
        try:
            with store.write(), store.bulk_search_index():
                importer = Importer(
                    store, report, now=self.now, assign=self.assign, include_forgotten=self.include
                )
                read(importer)
                importer.finish()
                if report.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return report

    def run_text(self, path: Path, limit: int, read: Callable[[Importer, TextIO], None]) -> ImportReport:
        """`run` over a UTF-8 text file (a CSV, a vCard), read a bounded line at a time."""
        import io

        from keepgoing.bounded_input import MAX_TEXT_LINE, open_regular

        with open_regular(path, limit=limit) as raw:
            raw.max_line = MAX_TEXT_LINE  # type: ignore[attr-defined]
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                return self.run(lambda importer: read(importer, text))
            except UnicodeDecodeError as exc:
                raise ImportProblem(
                    f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
                ) from None


class Importer:
    def __init__(
        self,
        store: Store,
        report: ImportReport,
        *,
        now: datetime,
        assign: str | None = None,
        include_forgotten: list[str] | None = None,
    ):
        from keepgoing.core.tombstones import Graveyard

        self.store = store
        self.report = report
        self.now = now
        # A local store copied into a team store is one person's: everyone in it becomes
        # this role's caseload, and what was written in it, this role's.
        self.assign = assign
        # Tombstones of people forgotten here: anyone in the file matching one is left out.
        self.graveyard = Graveyard(store)
        self.include_forgotten = {loose_key(n): n for n in include_forgotten or []}
        self.included_used: set[str] = set()
        # id(person's fields) -> left out, for the people of a JSON file, decided before any is added.
        self.screened: dict[int, bool] = {}
        self.redactors: list[Any] = []
        self.file_names: list[str] = []
        self.by_key: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.people: dict[int, dict[str, Any]] = {}
        # Names two people here share, each kept as "john smith (food bank)" (see `person.label`).
        self.shared_names: set[str] = set()
        for row in bulk.people(store):
            self.by_key[row["name_key"]] = row["id"]
            if name_key(row["name"]) != row["name_key"]:
                self.shared_names.add(name_key(row["name"]))
            if row["email"]:
                self.by_email[row["email"].casefold()] = row["id"]
            self.people[row["id"]] = dict(row)
        for row in bulk.aliases(store):
            self.by_key[row["alias_key"]] = row["person_id"]
        # The same names with spaces, hyphens, apostrophes, accents and case set aside
        # (`text.loose_key`); None where two people share one, so it matches neither.
        self.by_loose: dict[str, int | None] = {}
        for key, person_id in self.by_key.items():
            self._know_loosely(key, person_id)
        self.was_empty = not self.people
        # Past the highest number ever given: one removed is never given out again.
        self.given = {table: highest_given(store, table) for table in TABLES}
        self.next_ids = {table: given + 1 for table, given in self.given.items()}
        self.used_ids: dict[str, set[int]] = {table: set() for table in TABLES}
        self.group_keys = bulk.group_keys(store)
        self.added_ids: set[int] = set()
        # person id -> digests of the conversations they are first in (see `_already_there`).
        self.seen: dict[int, set[bytes]] = {}
        self.latest: dict[int, tuple[datetime, str]] = {}
        self.pending: dict[str, list[dict[str, Any]]] = {
            "conversation": [],
            "conversation_person": [],
            "follow_up": [],
        }

    def _by(self, who: str | None) -> str | None:
        """Who did something, as stored: the assigned role when there is one (and someone did)."""
        return self.assign if self.assign is not None and who is not None else who

    def _know_loosely(self, key: str, person_id: int) -> None:
        loose = loose_key(key)
        if self.by_loose.get(loose, person_id) != person_id:
            self.by_loose[loose] = None
        else:
            self.by_loose[loose] = person_id

    def reserve(self, table: str, wanted: list[Any]) -> None:
        """Keep fresh ids clear of the ids a file will ask for (see `_new_id`)."""
        numbers = [w for w in wanted if _is_id(w)]
        if numbers:
            self.next_ids[table] = max(self.next_ids[table], max(numbers) + 1)

    def _new_id(self, table: str, wanted: Any) -> int:
        if (
            self.was_empty
            and _is_id(wanted)
            and wanted > self.given[table]
            and wanted not in self.used_ids[table]
        ):
            # Into an empty store, keep the file's ids so that a re-export is identical.
            self.used_ids[table].add(wanted)
            return int(wanted)
        new = self.next_ids[table]
        self.next_ids[table] += 1
        return new

    # --- people forgotten here ---------------------------------------------------

    def screen(self, fields: dict[str, Any]) -> bool:
        """Whether this person from the file is left out, as someone forgotten here (called once each).

        Someone already in the store (added again on purpose since) is never
        left out; one named by --include-forgotten comes back and their
        tombstone is lifted."""
        if not self.graveyard.stones:
            return False
        name = fields.get("name")
        if not isinstance(name, str) or not name.strip():
            return False  # person() says what is wrong with it
        aliases = [str(a) for a in _list(fields.get("aliases"))]
        names = [name, *aliases]
        if any(self.by_key.get(name_key(n)) or self.by_loose.get(loose_key(n)) for n in names):
            return False
        email, phone = _text(fields.get("email")), _text(fields.get("phone"))
        stone = self.graveyard.match(names, email, phone)
        if stone is None:
            return False
        wanted = next((loose_key(n) for n in names if loose_key(n) in self.include_forgotten), None)
        if wanted is not None:
            self.included_used.add(wanted)
            self.graveyard.lift(stone)
            self.report.brought_back.append(name)
            return False
        from keepgoing.core.erasure import Matcher

        self.redactors.append(Matcher(_FromFile(name, aliases, email, phone), self._others(names)))
        self.report.forgotten_on.append(stone.forgotten_on)
        return True

    def screen_all(self, people: list[dict[str, Any]]) -> None:
        """Decide for a whole file's people first, so that what others wrote is redacted from the start."""
        self.file_names = [str(p.get("name")) for p in people if isinstance(p, dict)]
        for fields in people:
            if isinstance(fields, dict):
                self.screened[id(fields)] = self.screen(fields)

    def _others(self, names: list[str]) -> list[str]:
        mine = {name_key(n) for n in names}
        here = [str(p["name"]) for p in self.people.values()]
        return [n for n in (*here, *self.file_names) if name_key(n) not in mine]

    def redact(self, text: str | None) -> str | None:
        """`text` with every forgotten person left out of this import redacted, by forget's rule."""
        if text is None:
            return None
        for matcher in self.redactors:
            text = matcher.redact(text)
        return text

    def skip_forgotten(self, count: int = 1) -> None:
        self.report.forgotten_items_skipped += count

    # --- people ---------------------------------------------------------------

    def person(self, fields: dict[str, Any], where: str) -> int | None:
        """The store id for this person: an existing match, or a newly added person.

        None for someone forgotten here, who is left out (see `screen`)."""
        # Decided already for a whole file (screen_all), else now; popped, so never reused.
        left_out = self.screened.pop(id(fields), None)
        if left_out if left_out is not None else self.screen(fields):
            return None
        try:
            raw_name = fields.get("name")
            if raw_name is not None and not isinstance(raw_name, str):
                raise BadInput(f"the name must be text, not {_kind(raw_name)}")
            name = clean_name(raw_name or "")
            details = checked_details(**{column: _text(fields.get(column)) for column in DETAIL_CHECKS})
            existing = self._match(name, details)
            if existing is not None:
                self._matched(existing, name, where)
                return existing
            row = self._person_row(fields, name, details)
            aliases = [clean_name(str(a), "alias") for a in _list(fields.get("aliases"))]
            tags = list(dict.fromkeys(clean_tag(str(t)) for t in _list(fields.get("tags"))))
            check_how_many(len({name_key(a) for a in aliases}), "alias")
            check_how_many(len(tags), "tag")
        except BadInput as exc:
            raise ImportProblem(f"{where}: {_lower_first(str(exc))}") from None
        return self._add_person(row, fields.get("id"), aliases, tags, where)

    def _match(self, name: str, details: dict[str, Any]) -> int | None:
        """The person here this one is (by name, alias or a loose spelling of one); None for someone new."""
        key = name_key(name)
        existing = self.by_key.get(key)
        if existing is None and key in self.shared_names:
            organisation = details.get("organisation")
            existing = self.by_key.get(name_key(f"{name} ({organisation})")) if organisation else None
            if existing is None:
                raise BadInput(
                    f'more than one person here is called "{name}", told apart by organisation: give '
                    "the organisation of the one meant (add another of that name with keepgoing add --org)"
                )
        if existing is None:
            # "kerry ann" in a file is the Kerry-Ann Walsh already here; two people
            # of the file itself are two people, however alike their names.
            loose = self.by_loose.get(loose_key(name))
            existing = loose if loose not in self.added_ids else None
        email = details.get("email")
        sharing = self.by_email.get(email.casefold()) if email else None
        if existing is None and sharing is not None:
            # Two different names are never merged on an email alone: one address
            # is often a family's, a shared inbox, or a mistake.
            other = self.people[sharing]["name"]
            place = "earlier in the file" if sharing in self.added_ids else "in the store"
            raise BadInput(
                f'the person "{name}" in the file shares an email with "{other}" {place}; give them the same name '
                "(or add one as an alias of the other), or a different email, and import again"
            )
        return existing

    def _matched(self, existing: int, name: str, where: str) -> None:
        if existing not in self.added_ids:
            shown = self.people[existing]["name"]
            if shown not in self.report.people_matched:
                self.report.people_matched.append(shown)
                if shown != name:
                    self.report.notes.append(f'{where}: "{name}" matched {shown}, already here')

    def _person_row(self, fields: dict[str, Any], name: str, details: dict[str, Any]) -> dict[str, Any]:
        """A new person's row, every field checked by `add`'s rules (but its id)."""
        cadence = fields.get("cadence_days")
        if cadence in (None, ""):
            cadence = DEFAULT_CADENCE_DAYS
        if isinstance(cadence, str):
            from keepgoing.dates import parse_duration

            cadence = parse_duration(cadence)
        if not isinstance(cadence, int) or isinstance(cadence, bool):
            raise BadInput("the rhythm must be a whole number of days")
        created = _instant(fields.get("created_at")) or self.now
        row: dict[str, Any] = {
            "name": name,
            "name_key": name_key(name),
            **{column: details.get(column) for column in DETAIL_CHECKS},
            "cadence_days": check_cadence(cadence),
            "created_at": created,
            "updated_at": _instant(fields.get("updated_at")) or created,
            "due_on": next_due(created, cadence),
            "paused_until": _day(fields.get("paused_until")),
            "archived_at": _instant(fields.get("archived_at")),
            "consent": check_consent(_text(fields.get("consent"))),
            "consent_channels": check_channels(_text(fields.get("consent_channels"))),
            "consent_note": check_consent_note(_text(fields.get("consent_note"))),
            "consent_on": _day(fields.get("consent_on")),
            "consent_review_on": _day(fields.get("consent_review_on")),
            "worker": self.assign or _worker(fields.get("worker")),
            "pause_reason": check_pause_reason(_text(fields.get("pause_reason"))),
        }
        row["note"], row["consent_note"] = self.redact(row["note"]), self.redact(row["consent_note"])
        return row

    def _add_person(
        self, row: dict[str, Any], wanted: Any, aliases: list[str], tags: list[str], where: str
    ) -> int:
        """Add the person (`wanted`: the file's id for them), with those of their aliases nobody has."""
        person_id = self._new_id("person", wanted)
        key, email = row["name_key"], row.get("email")
        row["id"] = person_id
        self.by_key[key] = person_id
        self._know_loosely(key, person_id)
        if email:
            self.by_email[email.casefold()] = person_id
        added: dict[str, str] = {}  # alias key -> alias
        for alias in aliases:
            alias_key = name_key(alias)
            if alias_key in self.by_key:
                if self.by_key[alias_key] != person_id:
                    self.report.notes.append(f"{where}: alias {alias!r} already belongs to someone; left out")
                continue
            added[alias_key] = alias
            self.by_key[alias_key] = person_id
            self._know_loosely(alias_key, person_id)
        bulk.add_person(self.store, row, added, tags)
        self.people[person_id] = {**row, "last_contact_at": None}
        self.added_ids.add(person_id)
        self.report.people_added.append(row["name"])
        return person_id

    # --- conversations and follow-ups -----------------------------------------

    def conversation(
        self,
        fields: dict[str, Any],
        person_ids: list[int],
        where: str,
        group_id: int | None = None,
        scores: dict[int, Any] | None = None,
    ) -> int | None:
        try:
            when = _instant(fields.get("when"))
            if when is None:
                raise BadInput("a conversation needs a date (when)")
            said = check_said(
                via=str(fields.get("via") or "other"),
                note=_text(fields.get("note")),
                wellbeing=fields.get("wellbeing"),
                feeling=_text(fields.get("feeling")),
            )
            via, note, wellbeing, feeling = (
                said.via or "other",
                self.redact(said.note),
                said.wellbeing,
                said.feeling,
            )
            logged_by = self._by(optional(_text(fields.get("logged_by")), "worker name"))
            amended_by = self._by(optional(_text(fields.get("amended_by")), "worker name"))
            amended_at = _instant(fields.get("amended_at"))
            time_given = _flag(fields, "time_given")
            reached = _flag(fields, "reached", True)
            private = _flag(fields, "private")
            own = {pid: check_said(wellbeing=score).wellbeing for pid, score in (scores or {}).items()}
        except BadInput as exc:
            raise ImportProblem(f"{where}: {_lower_first(str(exc))}") from None
        people = list(dict.fromkeys(person_ids))
        if set(own) - set(people):
            raise ImportProblem(f"{where}: a score is for someone who was not there")
        if not people:
            # Its note would belong to nobody, out of reach of forget.
            raise ImportProblem(f"{where}: a conversation needs at least one person")
        if not self.was_empty and self._already_there(when, via, note, people):
            self.report.conversations_skipped += 1
            return None
        conversation_id = self._new_id("conversation", fields.get("id"))
        self.pending["conversation"].append(
            {
                "id": conversation_id,
                "at": when,
                "via": via,
                "note": note,
                "wb": wellbeing,
                "by": logged_by,
                "created": _instant(fields.get("created_at")) or when,
                "feeling": feeling,
                "group": group_id,
                "amended_by": amended_by,
                "amended_at": amended_at,
                "time_given": time_given,
                "reached": reached,
                "private": private,
            }
        )
        for pid in people:
            self.pending["conversation_person"].append({"c": conversation_id, "p": pid, "wb": own.get(pid)})
            if pid not in self.latest or when >= self.latest[pid][0]:
                self.latest[pid] = (when, via)
        self.report.conversations_added += 1
        if len(self.pending["conversation"]) >= BATCH:
            self.flush()
        return conversation_id

    def _already_there(self, when: datetime, via: str, note: str | None, people: list[int]) -> bool:
        """Whether the store already has this conversation (same moment, channel, note and people).

        The first person's conversations are read once, as digests, and new
        ones join them: one query per person rather than per conversation,
        so importing into a store with a long history stays linear.
        """
        seen = self.seen.get(people[0])
        if seen is None:
            seen = self.seen[people[0]] = self._digests(people[0])
        digest = _digest(when, via, note, people)
        if digest in seen:
            return True
        for person_id in people:
            self.seen.get(person_id, seen).add(digest)
        return False

    def _digests(self, person_id: int) -> set[bytes]:
        if person_id in self.added_ids:
            return set()  # added by this import: no history yet
        self.flush()
        return {
            _digest(as_datetime(when), via, note, present)
            for when, via, note, present in bulk.conversations_of(self.store)(person_id)
        }

    def follow_up(
        self, fields: dict[str, Any], person_id: int, conversation_id: int | None, where: str
    ) -> None:
        try:
            text = self.redact(required(str(fields.get("text") or ""), "follow-up")) or ""
            due = _day(fields.get("due"))
            created = _instant(fields.get("created_at")) or self.now
            done = _instant(fields.get("done_at"))
            logged_by = self._by(optional(_text(fields.get("logged_by")), "worker name"))
            worker = self._by(_worker(fields.get("worker")))
            cancelled = _instant(fields.get("cancelled_at"))
            cancelled_by = self._by(optional(_text(fields.get("cancelled_by")), "worker name"))
            private = _flag(fields, "private")
        except BadInput as exc:
            raise ImportProblem(f"{where}: {_lower_first(str(exc))}") from None
        if not self.was_empty:
            self.flush()
            if bulk.has_follow_up(self.store, person_id, text, created):
                self.report.follow_ups_skipped += 1
                return
        self.pending["follow_up"].append(
            {
                "id": self._new_id("follow_up", fields.get("id")),
                "p": person_id,
                "c": conversation_id,
                "t": text,
                "d": due,
                "created": created,
                "done": done,
                "by": logged_by,
                "worker": worker,
                "cancelled": cancelled,
                "cancelled_by": cancelled_by if cancelled else None,
                "private": private,
            }
        )
        self.report.follow_ups_added += 1

    def flush(self) -> None:
        bulk.write_batches(self.store, self.pending)

    # --- the rest of the story: groups, notes, ideas, wins ---------------------

    def _problem(self, where: str, exc: BadInput) -> ImportProblem:
        return ImportProblem(f"{where}: {_lower_first(str(exc))}")

    def group(self, fields: dict[str, Any], member_ids: list[int], where: str) -> int:
        try:
            name = clean_name(str(fields.get("name") or ""), "group name")
            cadence = fields.get("cadence_days")
            if cadence is not None:
                cadence = (
                    check_cadence(cadence)
                    if isinstance(cadence, int) and not isinstance(cadence, bool)
                    else None
                )
            created = _instant(fields.get("created_at")) or self.now
            archived = _instant(fields.get("archived_at"))
            via = parse_channel(str(fields["via"])) if fields.get("via") else None
        except BadInput as exc:
            raise self._problem(where, exc) from None
        key = name_key(name)
        group_id = self.group_keys.get(key)
        if group_id is None:
            group_id = self._new_id("community_group", fields.get("id"))
            bulk.add_group(
                self.store,
                {
                    "id": group_id,
                    "n": name,
                    "k": key,
                    "c": cadence,
                    "created": created,
                    "archived": archived,
                    "via": via,
                },
            )
            self.group_keys[key] = group_id
            self.report.others_added += 1
        else:
            self.report.others_skipped += 1
        bulk.add_members(self.store, group_id, member_ids, created)
        return group_id

    def note(self, fields: dict[str, Any], person_id: int, where: str) -> None:
        try:
            text = self.redact(required(str(fields.get("text") or ""), "lasting note")) or ""
            created = _instant(fields.get("created_at")) or self.now
            logged_by = self.assign or optional(_text(fields.get("logged_by")), "worker name")
            private = _flag(fields, "private")
        except BadInput as exc:
            raise self._problem(where, exc) from None
        if not self.was_empty and bulk.has_note(self.store, person_id, text, created):
            self.report.others_skipped += 1
            return
        bulk.add_note(
            self.store,
            {
                "id": self._new_id("person_note", fields.get("id")),
                "p": person_id,
                "t": text,
                "c": created,
                "by": logged_by,
                "private": private,
            },
        )
        self.report.others_added += 1

    def idea(
        self,
        fields: dict[str, Any],
        person_id: int | None,
        conversation_id: int | None,
        where: str,
        group_id: int | None = None,
    ) -> None:
        """An idea; `person_id` None for a group's, or one kept after its author was forgotten."""
        from keepgoing.core.ideas import check_status

        try:
            text = self.redact(required(str(fields.get("text") or ""), "idea")) or ""
            status = check_status(str(fields.get("status") or "open"))
            outcome = self.redact(optional(_text(fields.get("outcome")), "outcome"))
            created = _instant(fields.get("created_at")) or self.now
            updated = _instant(fields.get("updated_at")) or created
            told_at = _instant(fields.get("told_at"))
            told_by = optional(_text(fields.get("told_by")), "worker name") if told_at else None
        except BadInput as exc:
            raise self._problem(where, exc) from None
        self.flush()  # the conversation it came from may still be waiting in the batch
        if not self.was_empty and bulk.has_idea(self.store, person_id, text, created):
            self.report.others_skipped += 1
            return
        bulk.add_idea(
            self.store,
            {
                "id": self._new_id("idea", fields.get("id")),
                "p": person_id,
                "g": group_id,
                "conv": conversation_id,
                "t": text,
                "s": status,
                "o": outcome,
                "c": created,
                "u": updated,
                "told": told_at,
                "told_by": told_by,
            },
        )
        self.report.others_added += 1

    def win(self, fields: dict[str, Any], person_ids: list[int], group_id: int | None, where: str) -> None:
        try:
            text = self.redact(required(str(fields.get("text") or ""), "win")) or ""
            when = _instant(fields.get("when")) or self.now
            created = _instant(fields.get("created_at")) or when
            logged_by = self._by(optional(_text(fields.get("logged_by")), "worker name"))
        except BadInput as exc:
            raise self._problem(where, exc) from None
        if not self.was_empty and bulk.has_win(self.store, text, when):
            self.report.others_skipped += 1
            return
        win_id = self._new_id("win", fields.get("id"))
        bulk.add_win(
            self.store,
            {"id": win_id, "t": text, "w": when, "g": group_id, "by": logged_by, "c": created},
            person_ids,
        )
        self.report.others_added += 1

    def measure(self, fields: dict[str, Any], where: str) -> None:
        """A measure the organisation added (an export's `measures`)."""
        from keepgoing.core.measures import import_measure

        try:
            if not isinstance(fields, dict):
                raise BadInput("a measure is an object")
            added = _instant(fields.get("added_at")) or self.now
            if import_measure(self.store, fields.get("definition"), where=where, added_at=added):
                self.report.others_added += 1
            else:
                self.report.others_skipped += 1
        except ImportProblem:
            raise
        except BadInput as exc:
            message = str(exc)
            raise ImportProblem(message if message.startswith(where) else f"{where}: {message}") from None

    def measure_score(
        self, fields: dict[str, Any], person_id: int, conversation_id: int | None, where: str
    ) -> None:
        """One measure's answers in one conversation; skipped with a conversation already here."""
        from keepgoing.core.measures import check_answers, get_measure, record_scores

        if conversation_id is None:  # its conversation was already in the store
            self.report.others_skipped += 1
            return
        try:
            measure = get_measure(self.store, str(fields.get("measure") or ""))
            answers = fields.get("answers")
            if not isinstance(answers, dict) or set(answers) != {p.key for p in measure.items}:
                raise BadInput(
                    f"answers must give each of {measure.shown_name}'s items by key: "
                    + ", ".join(p.key for p in measure.items)
                )
            checked = check_answers(measure, [answers[p.key] for p in measure.items])
            total = fields.get("total")
            if total != checked.total and not (
                isinstance(total, (int, float))
                and checked.total is not None
                and abs(total - checked.total) < 1e-6
            ):
                raise BadInput(
                    f"the total {total!r} is not what {measure.shown_name} gives for these answers"
                )
            recorded = _instant(fields.get("recorded_at")) or self.now
        except (BadInput, NotFound) as exc:
            raise ImportProblem(f"{where}: {_lower_first(str(exc))}") from None
        self.flush()  # its conversation may still be waiting in the batch
        record_scores(self.store, conversation_id, person_id, [checked], now=recorded)
        self.report.others_added += 1

    def monitoring(self, fields: dict[str, Any], person_id: int, where: str) -> None:
        """A person's equality monitoring: their consent and dated records (kept where already held)."""
        from keepgoing.core.monitoring import FIELDS, parse_answer

        try:
            consent_on = _day(fields.get("consent_on"))
            if fields.get("consent") not in (None, "given"):
                raise BadInput(f"consent {_shown(str(fields.get('consent')))} is not given")
            records = []
            for item in _list(fields.get("records")):
                if not isinstance(item, dict):
                    raise BadInput("each of its records must be an object")
                asked = _day(item.get("asked_on"))
                if asked is None:
                    raise BadInput("a record with no asked_on day")
                answers = {}
                for key in FIELDS:
                    value = item.get(key)
                    answers[key] = None if value is None else parse_answer(key, str(value))
                records.append(
                    (
                        asked,
                        answers,
                        _instant(item.get("recorded_at")) or self.now,
                        optional(_text(item.get("recorded_by")), "worker name"),
                    )
                )
            if records and consent_on is None:
                raise BadInput("records without consent to monitoring (consent_on)")
            consent_at = _instant(fields.get("consent_recorded_at")) or self.now
            consent_by = optional(_text(fields.get("consent_recorded_by")), "worker name")
        except BadInput as exc:
            raise self._problem(where, exc) from None
        added = consent_on is not None and bulk.add_monitoring_consent(
            self.store, person_id, consent_on, consent_at, consent_by
        )
        for asked, answers, at, by in records:
            added = bulk.add_monitoring(self.store, person_id, asked, answers, at, by) or added
        if added:
            self.report.others_added += 1
        else:
            self.report.others_skipped += 1

    def finish(self) -> None:
        """Write what is pending and bring each touched person's rhythm up to date."""
        from keepgoing.core.rhythm import refresh_contacts

        unused = [n for key, n in self.include_forgotten.items() if key not in self.included_used]
        if unused:
            raise ImportProblem(
                f"--include-forgotten {unused[0]!r}: nobody of that name in the file was forgotten here, "
                "so there is nobody to bring back."
            )
        self.flush()
        refresh_contacts(self.store, self.latest)
        # Rows came in with their own ids, which PostgreSQL's id sequences do not notice
        # (a sequence ignores rollbacks: a dry run leaves it alone).
        if not self.report.dry_run:
            move_past_given(self.store, TABLES)


@dataclass
class _FromFile:
    """A forgotten person as the file has them, for `Matcher` to redact."""

    name: str
    aliases: list[str]
    email: str | None
    phone: str | None


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62


def _digest(when: datetime | None, via: str, note: str | None, people: list[int]) -> bytes:
    """A conversation's identity for spotting duplicates, in 16 bytes."""
    import hashlib

    assert when is not None
    key = repr((when.astimezone(UTC).isoformat(), via, note, sorted(set(people))))
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def first_line(exc: Exception) -> str:
    """An exception's first line, short enough for a one-line reason."""
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _kind(value: Any) -> str:
    return {list: "a list", dict: "an object", bool: "true or false"}.get(type(value), "a number")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise BadInput("expected text, found a list or object")
    return str(value)


def _worker(value: Any) -> str | None:
    text = _text(value)
    return worker_key(text) if text and text.strip() else None


def _list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, list):
        return value
    raise BadInput("expected a list")


def _instant(value: Any) -> datetime | None:
    """An ISO date and time from a file, within the days keepgoing keeps (the range `log` accepts)."""
    moment = _iso(value, datetime.fromisoformat, "an ISO date and time")
    if moment is None:
        return None
    try:
        return read_datetime(moment if moment.tzinfo else moment.astimezone())
    except (ValueError, OverflowError):
        raise BadInput(f"{_shown(value)} is not a date and time keepgoing can keep") from None


def _day(value: Any) -> date | None:
    return _iso(value, date.fromisoformat, "an ISO date")


_Day = TypeVar("_Day", bound=date)


def _iso(value: Any, parse: Callable[[str], _Day], what: str) -> _Day | None:
    """`value` read by `parse` (a date's or a datetime's fromisoformat), on a day keepgoing keeps; None if empty."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadInput(f"expected {what}, found {type(value).__name__}")
    try:
        parsed = parse(value)
    except ValueError:
        raise BadInput(f"{_shown(value)} is not {what}") from None
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    if not EARLIEST <= day <= LATEST:
        raise BadInput(
            f"{_shown(value)} is outside the dates keepgoing keeps ({EARLIEST.year} to {LATEST.year})"
        )
    return parsed


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _flag(fields: dict[str, Any], key: str, absent: bool = False) -> bool:
    """A true-or-false field (absent: `absent`)."""
    value = fields.get(key, absent)
    if not isinstance(value, bool):
        raise BadInput(f"{key} must be true or false")
    return value
