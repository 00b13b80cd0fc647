"""keepgoing's own JSON: the complete, lossless store, and reading it back.

    {"format_version": 1, "app": "keepgoing 0.1.0", "exported_at": "...",
     "people": [...], "conversations": [...], "follow_ups": [...]}

Each item is a plain object with its fields by name; people carry a stable
`id` that conversations and follow-ups refer to (with names alongside, so a
file can be read and edited by hand). Instants are UTC ISO 8601 with full
precision, so that export -> import -> export gives the same content.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from keepgoing import __version__
from keepgoing.errors import BadInput
from keepgoing.exchange.importing import ImportProblem, first_line
from keepgoing.exchange.sections import ITEM
from keepgoing.exchange.selection import Selection, conversations_with_people, grouped, people_rows
from keepgoing.storage import Store
from keepgoing.storage.columns import COLUMNS, DAYS, INSTANTS
from keepgoing.storage.date_encoding import iso_day, iso_instant

if TYPE_CHECKING:
    from keepgoing.exchange.formats import ExportOptions
    from keepgoing.exchange.importing import Importer, ImportJob, ImportReport

# 2 added consent, feelings, notes, ideas, groups and wins; version 1 files still import.
FORMAT_VERSION = 2


def _dump(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)


# A person's fields in the file: the table's columns in order (storage/columns.py, from
# the models), less what keepgoing works out again from the history on import.
NOT_EXPORTED = frozenset(("name_key", "last_contact_via", "due_on", "version", "updated_by"))
PERSON_EXPORT = tuple(c for c in COLUMNS["person"] if c not in NOT_EXPORTED)


def person_object(row: Any, aliases: list[str], tags: list[str], selection: Selection) -> dict[str, Any]:
    """A person as exported: private details and notes as the selection allows, aliases and tags after the name."""
    shown: dict[str, Callable[[Any], Any]] = {
        "name": lambda name: selection.name(row["id"], name),
        "phone": selection.private,
        "email": selection.private,
        "note": selection.text,
        "consent_note": selection.text,
        "pause_reason": selection.text,
    }
    item: dict[str, Any] = {}
    for column in PERSON_EXPORT:
        value = row[column]
        if column in shown:
            value = shown[column](value)
        elif ("person", column) in INSTANTS:
            value = iso_instant(value)
        elif ("person", column) in DAYS:
            value = iso_day(value)
        item[column] = value
        if column == "name":
            item["aliases"] = selection.private(aliases) or []
            item["tags"] = tags
    return item


def write_json(
    store: Store,
    out: TextIO,
    selection: Selection,
    *,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    """Stream the selection to `out` as one JSON document; returns counts written."""
    counts = {
        "people": 0,
        "conversations": 0,
        "follow_ups": 0,
        "notes": 0,
        "ideas": 0,
        "groups": 0,
        "wins": 0,
        "measures": 0,
        "measure_scores": 0,
    }
    header = {
        "format_version": FORMAT_VERSION,
        "app": f"keepgoing {__version__}",
        "exported_at": now.astimezone(UTC).isoformat(),
        "anonymised": selection.anonymise,
    }
    out.write(_dump(header)[:-1])
    aliases = grouped(store, "SELECT person_id AS pid, alias AS value FROM alias ORDER BY alias_key")
    tags = grouped(store, "SELECT person_id AS pid, tag AS value FROM person_tag ORDER BY tag")
    selected: set[int] = set()

    def people() -> Iterator[dict[str, Any]]:
        for row in people_rows(store, selection):
            selected.add(row["id"])
            yield person_object(row, aliases.get(row["id"], []), tags.get(row["id"], []), selection)

    _section(out, "people", people(), counts, tick)
    # Each person's own score in a group session: conversation id -> {person id: score}.
    own_scores: dict[int, dict[int, int]] = {}
    for score in store.stream(
        "SELECT conversation_id, person_id, wellbeing FROM conversation_person WHERE wellbeing IS NOT NULL"
    ):
        own_scores.setdefault(score["conversation_id"], {})[score["person_id"]] = score["wellbeing"]

    def conversations() -> Iterator[dict[str, Any]]:
        for row, present in conversations_with_people(store, selection):
            shown = [
                (pid, name) for pid, name, _ in present if pid in selected or not selection.filters_people
            ]
            own = own_scores.get(row["id"], {})
            yield {
                "id": row["id"],
                "when": iso_instant(row["occurred_at"]),
                "via": row["via"],
                "note": selection.text(row["note"]),
                "wellbeing": row["wellbeing"],
                "logged_by": row["logged_by"],
                "created_at": iso_instant(row["created_at"]),
                "feeling": row["feeling"],
                "group_id": row["group_id"],
                "amended_by": row["amended_by"],
                "amended_at": iso_instant(row["amended_at"]),
                "time_given": bool(row["time_given"]),
                "reached": bool(row["reached"]),
                "private": bool(row["private"]),
                "person_ids": [pid for pid, _ in shown],
                "people": [selection.name(pid, name) for pid, name in shown],
                # Each person's own wellbeing in a group session (the one score above is then null).
                "scores": [
                    {"person_id": pid, "person": selection.name(pid, name), "wellbeing": own[pid]}
                    for pid, name in shown
                    if pid in own
                ],
            }

    _section(out, "conversations", conversations(), counts, tick)
    where, params = selection.person_where("p")
    follow_ups = (
        {
            **_whose(r, selection),
            "conversation_id": r["conversation_id"],
            "text": selection.text(r["text"]),
            "due": iso_day(r["due_on"]),
            "created_at": iso_instant(r["created_at"]),
            "done_at": iso_instant(r["done_at"]),
            "logged_by": r["logged_by"],
            "worker": r["worker"],
            "cancelled_at": iso_instant(r["cancelled_at"]),
            "cancelled_by": r["cancelled_by"],
            "private": bool(r["private"]),
        }
        for r in store.stream(
            "SELECT f.*, p.name FROM follow_up f JOIN person p ON p.id = f.person_id "
            f"WHERE {where} ORDER BY f.id",
            params,
        )
    )
    _section(out, "follow_ups", follow_ups, counts, tick)
    writing = _Writing(store, out, selection, selected, counts, tick)
    _write_coproduction(writing)
    _write_measures(writing)
    if selection.monitoring:
        from keepgoing.core.monitoring import export_objects

        counts["monitoring"] = 0
        where, params = selection.person_where("p")
        _section(out, "monitoring", export_objects(store, where, params, selection.name), counts, tick)
    out.write("}\n")
    # The summary names what a store of wellbeing measures holds; others' exports read as before.
    return {k: n for k, n in counts.items() if n or k not in ("measures", "measure_scores")}


@dataclass(frozen=True)
class _Writing:
    """One export being written: where from, where to, for whom, and the counts so far."""

    store: Store
    out: TextIO
    selection: Selection
    selected: set[int]
    counts: dict[str, int]
    tick: Callable[[], None]


def _section(out: TextIO, name: str, items: Any, counts: dict[str, int], tick: Callable[[], None]) -> None:
    out.write(f', "{name}": [')
    for item in items:
        out.write(("," if counts[name] else "") + "\n  " + _dump(item))
        counts[name] += 1
        tick()
    out.write("\n]")


def _whose(r: Any, selection: Selection) -> dict[str, Any]:
    """An item's number and whose it is: the person's number and name as the selection shows it
    (the name from the row's `name`; None for no one's, such as a group's idea)."""
    person_id = r["person_id"]
    return {
        "id": r["id"],
        "person_id": person_id,
        "person": selection.name(person_id, r["name"]) if person_id is not None else None,
    }


def _write_coproduction(w: _Writing) -> None:
    """Notes, ideas, groups and wins: the parts of the story beyond conversations."""
    store, out, selection, selected, counts, tick = w.store, w.out, w.selection, w.selected, w.counts, w.tick
    where, params = selection.person_where("p")
    notes = (
        {
            **_whose(r, selection),
            "text": selection.text(r["text"]),
            "created_at": iso_instant(r["created_at"]),
            "logged_by": r["logged_by"],
            "private": bool(r["private"]),
        }
        for r in store.stream(
            "SELECT n.id, n.person_id, p.name, n.text, n.created_at, n.logged_by, n.private "
            "FROM person_note n JOIN person p ON p.id = n.person_id "
            f"WHERE {where} ORDER BY n.id",
            params,
        )
    )
    _section(out, "notes", notes, counts, tick)
    ideas = (
        {
            **_whose(r, selection),
            "conversation_id": r["conversation_id"],
            "group_id": r["group_id"],
            "text": selection.text(r["text"]),
            "status": r["status"],
            "outcome": selection.text(r["outcome"]),
            "created_at": iso_instant(r["created_at"]),
            "updated_at": iso_instant(r["updated_at"]),
            "told_at": iso_instant(r["told_at"]),
            "told_by": r["told_by"],
        }
        for r in store.stream(
            "SELECT i.*, p.name FROM idea i LEFT JOIN person p ON p.id = i.person_id "
            f"WHERE {where if selection.filters_people else '1 = 1'} ORDER BY i.id",
            params,
        )
    )
    _section(out, "ideas", ideas, counts, tick)
    members = grouped(
        store, "SELECT m.group_id AS pid, m.person_id AS value FROM group_member m ORDER BY m.person_id"
    )
    names = {r["id"]: r["name"] for r in store.stream("SELECT id, name FROM person")}
    visible = selected if selection.filters_people else set(names)

    def group_object(r: Any) -> dict[str, Any]:
        ids = [pid for pid in members.get(r["id"], []) if pid in visible]
        return {
            "id": r["id"],
            "name": selection.group(r["id"], r["name"]),
            "cadence_days": r["cadence_days"],
            "via": r["via"],
            "created_at": iso_instant(r["created_at"]),
            "archived_at": iso_instant(r["archived_at"]),
            "member_ids": ids,
            "members": [selection.name(pid, names[pid]) for pid in ids],
        }

    _section(
        out,
        "groups",
        (group_object(r) for r in store.stream("SELECT * FROM community_group ORDER BY id")),
        counts,
        tick,
    )
    present = grouped(store, "SELECT win_id AS pid, person_id AS value FROM win_person ORDER BY person_id")

    def win_objects() -> Any:
        for r in store.stream("SELECT * FROM win ORDER BY id"):
            ids = [pid for pid in present.get(r["id"], []) if pid in visible]
            if selection.filters_people and not ids:
                continue
            yield {
                "id": r["id"],
                "text": selection.text(r["text"]),
                "when": iso_instant(r["occurred_at"]),
                "group_id": r["group_id"],
                "logged_by": r["logged_by"],
                "created_at": iso_instant(r["created_at"]),
                "person_ids": ids,
                "people": [selection.name(pid, names[pid]) for pid in ids],
            }

    _section(out, "wins", win_objects(), counts, tick)


def _write_measures(w: _Writing) -> None:
    """The organisation's own measures (ONS4 is built in), and every score of the selection's conversations."""
    store, out, selection, selected, counts, tick = w.store, w.out, w.selection, w.selected, w.counts, w.tick
    from keepgoing.core.measures import export_measures, export_scores

    _section(out, "measures", export_measures(store), counts, tick)
    where, params = selection.conversation_where("c")
    scores = export_scores(
        store, f"s.conversation_id IN (SELECT c.id FROM conversation c WHERE {where})", params
    )

    def visible() -> Any:
        for score in scores:
            if selection.filters_people and score["person_id"] not in selected:
                continue
            score["person"] = selection.name(score["person_id"], score["person"])
            yield score

    _section(out, "measure_scores", visible(), counts, tick)


def export(store: Store, out: TextIO, selection: Selection, options: ExportOptions) -> dict[str, int]:
    return write_json(store, out, selection, now=options.now, tick=options.tick)


# --- keepgoing JSON ---------------------------------------------------------------
#
# Streamed with ijson, so that a million conversations never sit in memory at
# once: a first pass reads the header, the small sections (people, groups,
# follow-ups, notes, ideas, wins) and the conversations' ids; a second pass
# streams the conversations one at a time. (`json.loads` of a 1M-conversation
# export took 2.2 GB.)

SECTIONS = (
    "people",
    "conversations",
    "follow_ups",
    "notes",
    "ideas",
    "groups",
    "wins",
    "measures",
    "measure_scores",
    "monitoring",
)
SMALL = frozenset(SECTIONS) - {"conversations"}
SMALL_ENOUGH_TO_RELOAD = 64 * 1024**2  # for the line number of a JSON error
# What the first pass keeps of the sections other than conversations (held whole until written).
MAX_HELD = 64 * 1024**2
MAX_KEY = 1000
_BROKEN = object()  # a header value that is not a plain value


@dataclass
class _Document:
    """What the first pass keeps of a JSON file: header values, small sections whole, conversations' ids."""

    header: dict[str, Any] = field(default_factory=dict)
    small: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in SMALL})
    conversation_ids: list[Any] = field(default_factory=list)


def read(path: Path, job: ImportJob) -> ImportReport:
    import ijson

    from keepgoing.bounded_input import open_regular

    name = path.name
    try:
        with open_regular(path) as handle:
            start = 3 if handle.read(3) == codecs.BOM_UTF8 else 0

            def from_start() -> BinaryIO:
                handle.seek(start)
                return handle

            document = _Scan(name).run(_SurrogateCheck(from_start(), name))  # type: ignore[arg-type]

            def conversations() -> Iterator[Any]:
                return ijson.items(from_start(), "conversations.item", use_float=True)

            return job.run(lambda importer: _read_json(importer, document, conversations, name, job.tick))
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise ImportProblem(_json_problem(path, exc)) from None
    except ValueError as exc:  # a number of thousands of digits, say
        raise ImportProblem(f"{name}: a value keepgoing cannot read ({first_line(exc)[:80]}).") from None
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None


class _Scan:
    """The first pass: header values, small sections whole, conversations' ids only.

    It reads ijson's basic events and keeps the path itself: ijson's own
    prefixes are built for every event of a buffer at once, and grow with the
    nesting, so 100 KB of `[` took 6 GB before anything could object. Here
    depth and key length are checked event by event, and the second pass
    (which uses prefixes) only ever sees a file this pass accepted.
    """

    def __init__(self, name: str):
        from keepgoing.bounded_input import MAX_DEPTH

        self.name = name
        self.max_depth = MAX_DEPTH
        self.document = _Document()
        self.parts: list[str | None] = [None]  # a map's current key, or "item" in a list
        self.keys: list[set[str] | None] = [set()]  # the keys seen so far in each open map
        self.counts = dict.fromkeys(SECTIONS, 0)  # items begun in each section, to name the one at fault
        self.builder: Any = None  # the small section's item being held, while it is read
        self.held = 0

    def run(self, handle: BinaryIO) -> _Document:
        import ijson

        events = ijson.basic_parse(handle, use_float=True)
        first = next(events, None)
        if first is None or first[0] != "start_map":
            raise ImportProblem(f"{self.name}: not a keepgoing export (no format_version).")
        for event, value in events:
            prefix = self._follow(event, value)
            if self.builder is not None:
                self._hold(event, value, prefix)
            else:
                self._look(event, value, prefix)
        return self.document

    def _follow(self, event: str, value: Any) -> str:
        """Keep the path up to date with this event; the event's prefix, as ijson names it."""
        if event == "map_key":
            return self._key(value)
        if event in ("start_map", "start_array"):
            return self._open(event)
        if event in ("end_map", "end_array"):
            self.parts.pop()
            self.keys.pop()
        return _joined(self.parts)

    def _key(self, value: str) -> str:
        if len(value) > MAX_KEY:
            raise ImportProblem(
                f"{self.name}: a key longer than {MAX_KEY} characters; not a keepgoing export."
            )
        prefix = _joined(self.parts[:-1])
        self.parts[-1] = value
        seen = self.keys[-1]
        if seen is not None:
            if value in seen:
                raise ImportProblem(_duplicate_key(self.name, self.parts, self.counts, value))
            seen.add(value)
        return prefix

    def _open(self, event: str) -> str:
        prefix = _joined(self.parts)
        parts = self.parts
        parts.append(None if event == "start_map" else "item")
        self.keys.append(set() if event == "start_map" else None)
        if len(parts) == 3 and parts[1] == "item" and parts[0] in self.counts:
            self.counts[parts[0]] += 1
        if len(parts) > self.max_depth:
            raise ImportProblem(
                f"{self.name}: nested more than {self.max_depth} levels deep; not a keepgoing export."
            )
        return prefix

    def _hold(self, event: str, value: Any, prefix: str) -> None:
        """One more event of a small section's item, kept whole until the item ends."""
        self.held += 64 + (len(value) if isinstance(value, str) else 0)
        if self.held > MAX_HELD:
            raise ImportProblem(
                f"{self.name}: its people, follow-ups, notes, ideas, groups and wins hold more than "
                f"{MAX_HELD // 1024**2} MB; split the file and import the parts."
            )
        self.builder.event(event, value)
        if len(self.parts) == 2 and event == "end_map":
            self.document.small[prefix[:-5]].append(self.builder.value)
            self.builder = None

    def _look(self, event: str, value: Any, prefix: str) -> None:
        """An event outside the small sections' items: the header, the shape, a conversation's id."""
        if prefix in ("format_version", "anonymised"):
            if event in ("string", "number", "boolean", "null"):
                self.document.header[prefix] = value
            elif event in ("start_map", "start_array"):
                self.document.header[prefix] = _BROKEN
        elif prefix in SECTIONS:
            if event not in ("start_array", "end_array"):
                raise ImportProblem(f"{self.name}: {prefix} must be a list of objects.")
        elif prefix.endswith(".item") and prefix[:-5] in SECTIONS:
            self._item(prefix[:-5], event, value)
        elif prefix == "conversations.item.id":
            self.document.conversation_ids.append(value)

    def _item(self, section: str, event: str, value: Any) -> None:
        if event not in ("start_map", "map_key", "end_map"):
            raise ImportProblem(f"{self.name}: {section} must be a list of objects.")
        if event == "start_map" and section in SMALL:
            import ijson

            self.builder = ijson.ObjectBuilder()
            self.builder.event(event, value)


def _duplicate_key(name: str, parts: list[str | None], counts: dict[str, int], key: str) -> str:
    """A key given twice in one object: JSON readers disagree on which one wins, so neither does."""
    shown = key if len(key) <= 40 else key[:40] + "…"
    if len(parts) == 1:
        return f'{name}: "{shown}" appears twice at the top of the file; keep one (merge the two).'
    section = parts[0]
    where = f"{name}, {ITEM[section]} {counts[section]}" if section in ITEM and len(parts) > 2 else name
    return f'{where}: the key "{shown}" appears twice in one object; keep one.'


# A \uD800-\uDFFF escape with an even run of backslashes before it (so an escape,
# not text): a high and a low half together are one character, alone they are none.
_SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


class _SurrogateCheck:
    """A JSON byte stream that refuses a lone surrogate escape (`"\\ud800"`).

    The C parser turns one into "?" without a word, so the first pass reads
    through this, which looks at each chunk (and the end of the one before,
    for an escape cut in two) as it goes by.
    """

    def __init__(self, raw: BinaryIO, name: str):
        self.raw = raw
        self.name = name
        self.tail = b""
        self.lines = 1  # the line the tail starts on

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        data = self.tail + chunk
        done = 0  # where the last escape looked at ends
        for match in _SURROGATE.finditer(data):
            if len(match[1]) == 12:
                done = match.end()
                continue
            if chunk and match[1][3:4] in b"89abAB" and match.end() > len(data) - 6:
                break  # a high half at the very end: its low half may come with the next read
            line = self.lines + data.count(b"\n", 0, match.start())
            raise ImportProblem(
                f"{self.name}, line {line}: {match[1].decode()} is half of a character pair "
                "(a lone surrogate), not text; the file is damaged."
            )
        else:
            # Keep the end, where an escape may be cut in two, and any run of backslashes
            # before it whole: the run decides whether what follows is an escape.
            keep = max(len(data) - 11, done) if chunk else len(data)
            while keep > done and data[keep - 1 : keep] == b"\\":
                keep -= 1
            self.lines += data.count(b"\n", 0, keep)
            self.tail = data[keep:]
            return chunk
        self.lines += data.count(b"\n", 0, match.start())
        self.tail = data[match.start() :]
        return chunk


def _joined(parts: list[str | None]) -> str:
    """ijson's prefix for a path, only as deep as keepgoing looks (deeper paths never match)."""
    return ".".join(p for p in parts[:3] if p is not None) + ("." if len(parts) > 3 else "")


def _json_problem(path: Path, exc: Exception) -> str:
    """Where the JSON breaks: a line number when the file is small enough to read again."""
    if path.stat().st_size <= SMALL_ENOUGH_TO_RELOAD:
        from keepgoing.bounded_input import MAX_JSON_LINE, read_limited_text

        try:
            json.loads(read_limited_text(path, limit=SMALL_ENOUGH_TO_RELOAD, max_line=MAX_JSON_LINE))
        except json.JSONDecodeError as decode_error:
            return f"{path.name}, line {decode_error.lineno}: not valid JSON ({decode_error.msg})."
        except BadInput as problem:
            return str(problem)
        except (RecursionError, ValueError):
            pass
    text = exc.args[0] if exc.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    reason = text.strip().splitlines()[0] if text.strip() else "it ends too soon"
    return f"{path.name}: not valid JSON ({reason})."


def _read_json(
    importer: Importer,
    document: _Document,
    conversations: Callable[[], Iterator[Any]],
    name: str,
    tick: Callable[[], None],
) -> None:
    _check_header(document.header, name)
    sections = document.small
    for table, key in (
        ("person", "people"),
        ("community_group", "groups"),
        ("follow_up", "follow_ups"),
        ("person_note", "notes"),
        ("idea", "ideas"),
        ("win", "wins"),
    ):
        importer.reserve(table, [item.get("id") for item in sections[key]])
    importer.reserve("conversation", document.conversation_ids)
    importer.screen_all(sections["people"])
    links = _Links(importer, tick)
    # In this order: each section refers to those before it.
    for key, step in (
        ("people", links.person),
        ("groups", links.group),
        ("conversations", links.conversation),
        ("follow_ups", links.follow_up),
        ("notes", links.note),
        ("ideas", links.idea),
        ("wins", links.win),
        ("measures", links.measure),
        ("measure_scores", links.measure_score),
        ("monitoring", links.monitoring),
    ):
        items = conversations() if key == "conversations" else sections[key]
        for number, item in enumerate(items, 1):
            step(item, f"{name}, {ITEM[key]} {number}")


def _check_header(header: dict[str, Any], name: str) -> None:
    if "format_version" not in header:
        raise ImportProblem(f"{name}: not a keepgoing export (no format_version).")
    version = header["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportProblem(f"{name}: format_version must be a positive whole number.")
    if version > FORMAT_VERSION:
        raise ImportProblem(f"{name}: written by a newer keepgoing (format {version}); please upgrade.")
    anonymised = header.get("anonymised")
    if anonymised is _BROKEN or anonymised:
        raise ImportProblem(f"{name}: an anonymised report cannot be imported; use a full export.")


class _Links:
    """Each section's items into the importer, with the file's ids turned into the store's."""

    def __init__(self, importer: Importer, tick: Callable[[], None]):
        self.importer = importer
        self.tick = tick
        self.ids: dict[Any, int | None] = {}  # the file's person ids (None: forgotten here)
        self.names: dict[str, int | None] = {}
        self.group_ids: dict[Any, int] = {}
        self.conversation_ids: dict[Any, int | None] = {}  # None: not added (already here, or forgotten)

    def person(self, item: dict[str, Any], where: str) -> None:
        pid = self.importer.person(item, where)
        if "id" in item:
            if _hashable(item["id"]) in self.ids:
                # Two people with one id would merge their histories.
                raise ImportProblem(f"{where}: the id {item['id']!r} is used by an earlier person too.")
            self.ids[_hashable(item["id"])] = pid
        self.names[str(item.get("name"))] = pid
        self.tick()

    def group(self, item: dict[str, Any], where: str) -> None:
        members = _kept(self.refs(item, "member_ids", "members", where))
        if item.get("id") is not None and _hashable(item["id"]) in self.group_ids:
            raise ImportProblem(f"{where}: the id {item['id']!r} is used by an earlier group too.")
        self.group_ids[_hashable(item.get("id"))] = self.importer.group(item, members, where)
        self.tick()

    def conversation(self, item: dict[str, Any], where: str) -> None:
        present = self.refs(item, "person_ids", "people", where)
        group = self.group_ref(item, where)
        if present and not _kept(present):
            self.importer.skip_forgotten()  # only theirs: forgotten with them
            self.conversation_ids[_hashable(item.get("id"))] = None
            return
        # A forgotten person's own score goes with them.
        scores = {pid: score for pid, score in self.scores(item, where).items() if pid is not None}
        self.conversation_ids[_hashable(item.get("id"))] = self.importer.conversation(
            item, _kept(present), where, group, scores
        )
        self.tick()

    def _one_person(self, item: dict[str, Any], where: str, what: str) -> int | None:
        """The person a follow-up, note or score is for (None: forgotten here); refused without one."""
        present = self.refs(item, "person_id", "person", where)
        if not present:
            raise ImportProblem(f"{where}: no person for this {what}.")
        return present[0]

    def follow_up(self, item: dict[str, Any], where: str) -> None:
        person = self._one_person(item, where, "follow-up")
        if person is None:
            self.importer.skip_forgotten()
            return
        conversation = self.conversation_ids.get(_hashable(item.get("conversation_id")))
        self.importer.follow_up(item, person, conversation, where)
        self.tick()

    def note(self, item: dict[str, Any], where: str) -> None:
        person = self._one_person(item, where, "note")
        if person is None:
            self.importer.skip_forgotten()
            return
        self.importer.note(item, person, where)

    def idea(self, item: dict[str, Any], where: str) -> None:
        present = self.refs(item, "person_id", "person", where)
        kept = item.get("person_id") is None and item.get("person") is None
        if not present and not kept:
            raise ImportProblem(f"{where}: no person for this idea.")
        if present and present[0] is None:
            self.importer.skip_forgotten()
            return
        conversation = self.conversation_ids.get(_hashable(item.get("conversation_id")))
        group = self.group_ref(item, where)
        self.importer.idea(item, present[0] if present else None, conversation, where, group)

    def win(self, item: dict[str, Any], where: str) -> None:
        present = self.refs(item, "person_ids", "people", where)
        if present and not _kept(present):
            self.importer.skip_forgotten()
            return
        self.importer.win(item, _kept(present), self.group_ref(item, where), where)

    def measure(self, item: dict[str, Any], where: str) -> None:
        self.importer.measure(item, where)

    def measure_score(self, item: dict[str, Any], where: str) -> None:
        present = self.refs(item, "person_id", "person", where)
        if not present:
            raise ImportProblem(f"{where}: no person for this score.")
        wanted = _hashable(item.get("conversation_id"))
        if wanted not in self.conversation_ids:
            raise ImportProblem(
                f"{where}: refers to conversation id {item.get('conversation_id')!r}, which is not in the file."
            )
        if not _kept(present) or self.conversation_ids[wanted] is None:
            return  # someone forgotten here, or their conversation left out with them
        self.importer.measure_score(item, present[0], self.conversation_ids[wanted], where)

    def monitoring(self, item: dict[str, Any], where: str) -> None:
        present = self.refs(item, "person_id", "person", where)
        if not present:
            raise ImportProblem(f"{where}: no person for this monitoring.")
        if not _kept(present):
            return  # someone forgotten here: their monitoring stays forgotten with them
        self.importer.monitoring(item, _kept(present)[0], where)

    def scores(self, item: dict[str, Any], where: str) -> dict[int, Any]:
        """Each person's own wellbeing in a group session (person id -> the score as written)."""
        raw = item.get("scores")
        if raw is None:
            return {}
        if not isinstance(raw, list) or not all(isinstance(score, dict) for score in raw):
            raise ImportProblem(f"{where}: scores must be a list of {{person_id, wellbeing}} objects.")
        scores: dict[int, Any] = {}
        for score in raw:
            found = self.refs(score, "person_id", "person", where)
            if len(found) != 1:
                raise ImportProblem(f"{where}: each score needs one person.")
            scores[found[0]] = score.get("wellbeing")
        return scores

    def group_ref(self, item: dict[str, Any], where: str) -> int | None:
        wanted = item.get("group_id")
        if wanted is None:
            return None
        try:
            return self.group_ids[_hashable(wanted)]
        except KeyError:
            raise ImportProblem(
                f"{where}: refers to group id {wanted!r}, which is not in the file."
            ) from None

    def refs(self, item: dict[str, Any], id_key: str, name_key: str, where: str) -> list[Any]:
        """People an item refers to: by the file's ids, else by name."""
        raw_ids = item.get(id_key)
        if raw_ids is not None:
            wanted = raw_ids if isinstance(raw_ids, list) else [raw_ids]
            try:
                return [self.ids[_hashable(value)] for value in wanted]
            except KeyError as exc:
                raise ImportProblem(
                    f"{where}: refers to person id {exc.args[0]!r}, who is not in the file."
                ) from None
        raw_names = item.get(name_key)
        wanted_names = raw_names if isinstance(raw_names, list) else ([raw_names] if raw_names else [])
        try:
            return [self.names[str(value)] for value in wanted_names]
        except KeyError as exc:
            raise ImportProblem(f"{where}: refers to {exc.args[0]!r}, who is not in the file.") from None


def _kept(present: list[int | None]) -> list[int]:
    """The people an item refers to, but for anyone forgotten here (None)."""
    return [pid for pid in present if pid is not None]


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else repr(value)
