"""Reading import files: keepgoing JSON, a CSV of people, vCard address books."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from keepgoing.errors import BadInput, UsageError
from keepgoing.exchange.importing import Importer, ImportProblem, ImportReport
from keepgoing.exchange.sections import ITEM
from keepgoing.storage import Store
from keepgoing.text import loose_key

FORMATS = ("json", "csv", "vcard")


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def detect_format(path: Path, given: str | None) -> str:
    if given:
        if given not in FORMATS:
            raise BadInput(f"Unknown import format {given!r}; use one of {', '.join(FORMATS)}.")
        return given
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    raise BadInput(f"Cannot tell the format of {path.name}; add --format json, csv or vcard.")


def import_file(
    store: Store,
    path: Path,
    *,
    format: str | None = None,
    dry_run: bool = False,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
    columns: str | None = None,
    assign: str | None = None,
    include_forgotten: list[str] | None = None,
) -> ImportReport:
    """Import `path` in one transaction; with `dry_run`, report and roll back.

    `columns` ("Surname=last_name,Mob=phone") says what a CSV's headings hold; `assign`
    names the one role everyone and everything in the file is then (a local store's copy).
    People forgotten in this store are left out (`core/tombstones.py`), but for
    those named in `include_forgotten`.
    """
    from keepgoing.storage.team import managers_only

    managers_only(store, "import into the team store")
    kind = detect_format(path, format)
    mapping = parse_columns(columns) if columns is not None else None
    if mapping is not None and kind != "csv":
        raise UsageError("--columns is for a CSV file; a JSON export and a vCard say what each field is.")
    report = ImportReport(file=str(path), format=kind, dry_run=dry_run)
    if kind == "json":
        return _import_json(store, path, report, now=now, tick=tick, assign=assign, include=include_forgotten)
    from keepgoing.bounded_input import MAX_IMPORT_BYTES, MAX_TEXT_LINE, MAX_VCARD_BYTES, open_regular

    def read(importer: Importer, text: TextIO, name: str, tick: Callable[[], None]) -> None:
        if kind == "csv":
            _read_csv(importer, text, name, tick, mapping)
        else:
            _read_vcard(importer, text, name, tick)

    with open_regular(path, limit=MAX_IMPORT_BYTES if kind == "csv" else MAX_VCARD_BYTES) as raw:
        raw.max_line = MAX_TEXT_LINE  # type: ignore[attr-defined]
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            return _in_one_transaction(
                store,
                report,
                now,
                lambda importer: read(importer, text, path.name, tick),
                assign,
                include_forgotten,
            )
        except UnicodeDecodeError as exc:
            raise ImportProblem(
                f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
            ) from None


def _in_one_transaction(
    store: Store,
    report: ImportReport,
    now: datetime,
    read: Callable[[Importer], None],
    assign: str | None = None,
    include: list[str] | None = None,
) -> ImportReport:
    try:
        with store.write(), store.bulk_search_index():
            importer = Importer(store, report, now=now, assign=assign, include_forgotten=include)
            read(importer)
            importer.finish()
            if report.dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


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
    header: dict[str, Any] = field(default_factory=dict)
    small: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in SMALL})
    conversation_ids: list[Any] = field(default_factory=list)


def _import_json(
    store: Store,
    path: Path,
    report: ImportReport,
    *,
    now: datetime,
    tick: Callable[[], None],
    assign: str | None = None,
    include: list[str] | None = None,
) -> ImportReport:
    import ijson

    from keepgoing.bounded_input import open_regular

    name = path.name
    try:
        with open_regular(path) as handle:
            start = 3 if handle.read(3) == codecs.BOM_UTF8 else 0

            def from_start() -> BinaryIO:
                handle.seek(start)
                return handle

            document = _scan(_SurrogateCheck(from_start(), name), name)  # type: ignore[arg-type]

            def conversations() -> Iterator[Any]:
                return ijson.items(from_start(), "conversations.item", use_float=True)

            return _in_one_transaction(
                store,
                report,
                now,
                lambda importer: _read_json(importer, document, conversations, name, tick),
                assign,
                include,
            )
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise ImportProblem(_json_problem(path, exc)) from None
    except ValueError as exc:  # a number of thousands of digits, say
        raise ImportProblem(f"{name}: a value keepgoing cannot read ({_first_line(exc)[:80]}).") from None
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None


def _scan(handle: BinaryIO, name: str) -> _Document:
    """The first pass: header values, small sections whole, conversations' ids only.

    It reads ijson's basic events and keeps the path itself: ijson's own
    prefixes are built for every event of a buffer at once, and grow with the
    nesting, so 100 KB of `[` took 6 GB before anything could object. Here
    depth and key length are checked event by event, and the second pass
    (which uses prefixes) only ever sees a file this pass accepted.
    """
    import ijson

    from keepgoing.bounded_input import MAX_DEPTH

    document = _Document()
    events = ijson.basic_parse(handle, use_float=True)
    first = next(events, None)
    if first is None or first[0] != "start_map":
        raise ImportProblem(f"{name}: not a keepgoing export (no format_version).")
    parts: list[str | None] = [None]  # a map's current key, or "item" in a list
    keys: list[set[str] | None] = [set()]  # the keys seen so far in each open map
    counts = dict.fromkeys(SECTIONS, 0)  # items begun in each section, to name the one at fault
    builder: Any = None
    held = 0
    for event, value in events:
        if event == "map_key":
            if len(value) > MAX_KEY:
                raise ImportProblem(
                    f"{name}: a key longer than {MAX_KEY} characters; not a keepgoing export."
                )
            prefix = _joined(parts[:-1])
            parts[-1] = value
            seen = keys[-1]
            if seen is not None:
                if value in seen:
                    raise ImportProblem(_duplicate_key(name, parts, counts, value))
                seen.add(value)
        elif event in ("start_map", "start_array"):
            prefix = _joined(parts)
            parts.append(None if event == "start_map" else "item")
            keys.append(set() if event == "start_map" else None)
            if len(parts) == 3 and parts[1] == "item" and parts[0] in counts:
                counts[parts[0]] += 1
            if len(parts) > MAX_DEPTH:
                raise ImportProblem(
                    f"{name}: nested more than {MAX_DEPTH} levels deep; not a keepgoing export."
                )
        elif event in ("end_map", "end_array"):
            parts.pop()
            keys.pop()
            prefix = _joined(parts)
        else:
            prefix = _joined(parts)
        if builder is not None:
            held += 64 + (len(value) if isinstance(value, str) else 0)
            if held > MAX_HELD:
                raise ImportProblem(
                    f"{name}: its people, follow-ups, notes, ideas, groups and wins hold more than "
                    f"{MAX_HELD // 1024**2} MB; split the file and import the parts."
                )
            builder.event(event, value)
            if len(parts) == 2 and event == "end_map":
                document.small[prefix[:-5]].append(builder.value)
                builder = None
            continue
        if prefix in ("format_version", "anonymised"):
            if event in ("string", "number", "boolean", "null"):
                document.header[prefix] = value
            elif event in ("start_map", "start_array"):
                document.header[prefix] = _BROKEN
        elif prefix in SECTIONS:
            if event not in ("start_array", "end_array"):
                raise ImportProblem(f"{name}: {prefix} must be a list of objects.")
        elif prefix.endswith(".item") and prefix[:-5] in SECTIONS:
            if event not in ("start_map", "map_key", "end_map"):
                raise ImportProblem(f"{name}: {prefix[:-5]} must be a list of objects.")
            if event == "start_map" and prefix[:-5] in SMALL:
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
        elif prefix == "conversations.item.id":
            document.conversation_ids.append(value)
    return document


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
    from keepgoing.exchange.json_format import FORMAT_VERSION

    if "format_version" not in document.header:
        raise ImportProblem(f"{name}: not a keepgoing export (no format_version).")
    version = document.header["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportProblem(f"{name}: format_version must be a positive whole number.")
    if version > FORMAT_VERSION:
        raise ImportProblem(f"{name}: written by a newer keepgoing (format {version}); please upgrade.")
    anonymised = document.header.get("anonymised")
    if anonymised is _BROKEN or anonymised:
        raise ImportProblem(f"{name}: an anonymised report cannot be imported; use a full export.")
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
    ids: dict[Any, int | None] = {}
    names: dict[str, int | None] = {}
    importer.screen_all(sections["people"])
    for number, item in enumerate(sections["people"], 1):
        where = f"{name}, person {number}"
        pid = importer.person(item, where)
        if "id" in item:
            if _hashable(item["id"]) in ids:
                # Two people with one id would merge their histories.
                raise ImportProblem(f"{where}: the id {item['id']!r} is used by an earlier person too.")
            ids[_hashable(item["id"])] = pid
        names[str(item.get("name"))] = pid
        tick()
    group_ids: dict[Any, int] = {}
    for number, item in enumerate(sections["groups"], 1):
        where = f"{name}, group {number}"
        members = _kept(_refs(item, "member_ids", "members", ids, names, where))
        if item.get("id") is not None and _hashable(item["id"]) in group_ids:
            raise ImportProblem(f"{where}: the id {item['id']!r} is used by an earlier group too.")
        group_ids[_hashable(item.get("id"))] = importer.group(item, members, where)
        tick()
    conversation_ids: dict[Any, int | None] = {}
    for number, item in enumerate(conversations(), 1):
        where = f"{name}, conversation {number}"
        present = _refs(item, "person_ids", "people", ids, names, where)
        group = _group_ref(item, group_ids, where)
        if present and not _kept(present):
            importer.skip_forgotten()  # only theirs: forgotten with them
            conversation_ids[_hashable(item.get("id"))] = None
            continue
        # A forgotten person's own score goes with them.
        scores = {pid: score for pid, score in _scores(item, ids, names, where).items() if pid is not None}
        conversation_ids[_hashable(item.get("id"))] = importer.conversation(
            item, _kept(present), where, group, scores
        )
        tick()
    for number, item in enumerate(sections["follow_ups"], 1):
        where = f"{name}, follow-up {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this follow-up.")
        if present[0] is None:
            importer.skip_forgotten()
            continue
        conversation = conversation_ids.get(_hashable(item.get("conversation_id")))
        importer.follow_up(item, present[0], conversation, where)
        tick()
    for number, item in enumerate(sections["notes"], 1):
        where = f"{name}, note {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this note.")
        if present[0] is None:
            importer.skip_forgotten()
            continue
        importer.note(item, present[0], where)
    for number, item in enumerate(sections["ideas"], 1):
        where = f"{name}, idea {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        kept = item.get("person_id") is None and item.get("person") is None
        if not present and not kept:
            raise ImportProblem(f"{where}: no person for this idea.")
        if present and present[0] is None:
            importer.skip_forgotten()
            continue
        conversation = conversation_ids.get(_hashable(item.get("conversation_id")))
        group = _group_ref(item, group_ids, where)
        importer.idea(item, present[0] if present else None, conversation, where, group)
    for number, item in enumerate(sections["wins"], 1):
        where = f"{name}, win {number}"
        present = _refs(item, "person_ids", "people", ids, names, where)
        if present and not _kept(present):
            importer.skip_forgotten()
            continue
        importer.win(item, _kept(present), _group_ref(item, group_ids, where), where)
    for number, item in enumerate(sections["measures"], 1):
        importer.measure(item, f"{name}, measure {number}")
    for number, item in enumerate(sections["measure_scores"], 1):
        where = f"{name}, wellbeing score {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this score.")
        wanted = _hashable(item.get("conversation_id"))
        if wanted not in conversation_ids:
            raise ImportProblem(
                f"{where}: refers to conversation id {item.get('conversation_id')!r}, which is not in the file."
            )
        if not _kept(present) or conversation_ids[wanted] is None:
            continue  # someone forgotten here, or their conversation left out with them
        importer.measure_score(item, present[0], conversation_ids[wanted], where)
    for number, item in enumerate(sections["monitoring"], 1):
        where = f"{name}, monitoring record {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this monitoring.")
        if not _kept(present):
            continue  # someone forgotten here: their monitoring stays forgotten with them
        importer.monitoring(item, _kept(present)[0], where)


def _kept(present: list[int | None]) -> list[int]:
    """The people an item refers to, but for anyone forgotten here (None)."""
    return [pid for pid in present if pid is not None]


def _scores(item: dict, ids: dict, names: dict, where: str) -> dict[int, Any]:
    """Each person's own wellbeing in a group session (person id -> the score as written)."""
    raw = item.get("scores")
    if raw is None:
        return {}
    if not isinstance(raw, list) or not all(isinstance(score, dict) for score in raw):
        raise ImportProblem(f"{where}: scores must be a list of {{person_id, wellbeing}} objects.")
    scores: dict[int, Any] = {}
    for score in raw:
        found = _refs(score, "person_id", "person", ids, names, where)
        if len(found) != 1:
            raise ImportProblem(f"{where}: each score needs one person.")
        scores[found[0]] = score.get("wellbeing")
    return scores


def _group_ref(item: dict, group_ids: dict[Any, int], where: str) -> int | None:
    wanted = item.get("group_id")
    if wanted is None:
        return None
    try:
        return group_ids[_hashable(wanted)]
    except KeyError:
        raise ImportProblem(f"{where}: refers to group id {wanted!r}, which is not in the file.") from None


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else repr(value)


def _refs(item: dict, id_key: str, name_key_: str, ids: dict, names: dict, where: str) -> list[Any]:
    """People an item refers to: by the file's ids, else by name."""
    raw_ids = item.get(id_key)
    if raw_ids is not None:
        wanted = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        try:
            return [ids[_hashable(value)] for value in wanted]
        except KeyError as exc:
            raise ImportProblem(
                f"{where}: refers to person id {exc.args[0]!r}, who is not in the file."
            ) from None
    raw_names = item.get(name_key_)
    wanted_names = raw_names if isinstance(raw_names, list) else ([raw_names] if raw_names else [])
    try:
        return [names[str(value)] for value in wanted_names]
    except KeyError as exc:
        raise ImportProblem(f"{where}: refers to {exc.args[0]!r}, who is not in the file.") from None


# --- a CSV of people --------------------------------------------------------------

# The headings of a CSV of people, by field: keepgoing's own, and those UK spreadsheets and
# address books use. Compared by `loose_key` ("E-mail", "e mail" and "EMAIL" are one heading).
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "display name", "contact name", "client name"),
    "first_name": ("first name", "forename", "forenames", "given name", "first"),
    "last_name": ("surname", "last name", "family name", "last"),
    "email": ("email", "e-mail", "email address", "e-mail address"),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "tel no",
        "mobile",
        "mob",
        "mobile number",
        "mobile phone",
        "phone number",
        "telephone number",
        "contact number",
    ),
    "organisation": ("organisation", "organization", "org", "company", "organisation name"),
    "role": ("role", "title", "job title", "job"),
    "tags": ("tags", "tag", "groups", "categories"),
    "cadence_days": ("rhythm", "every", "cadence"),
    "prefers": ("prefers", "channel"),
    "aliases": ("aliases", "alias", "nickname", "known as"),
    "note": ("note", "notes", "comments", "comment"),
}
COLUMNS = {loose_key(heading): column for column, headings in HEADINGS.items() for heading in headings}
# What `--columns` may map a heading to: these words (or any heading above), or "skip".
FIELD_WORDS = {
    "name": "name",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "email": "email",
    "organisation": "organisation",
    "role": "role",
    "note": "note",
    "tags": "tags",
    "aliases": "aliases",
    "rhythm": "cadence_days",
    "prefers": "prefers",
}
SKIP = "skip"


def parse_columns(given: str) -> dict[str, tuple[str, str]]:
    """`--columns "Surname=last_name,Mob=phone"`: each heading's loose key -> (the heading, its field or "skip")."""
    mapping: dict[str, tuple[str, str]] = {}
    for part in given.split(","):
        if not part.strip():
            continue
        heading, equals, word = part.rpartition("=")
        if not equals or not heading.strip() or not word.strip():
            raise UsageError(
                f'--columns takes Heading=field pairs split by commas ("Surname=last_name,Mob=phone"), not "{part.strip()}".'
            )
        key = loose_key(word)
        fields = {loose_key(w): f for w, f in FIELD_WORDS.items()}
        column = SKIP if key == SKIP else fields.get(key) or COLUMNS.get(key)
        if column is None:
            raise UsageError(
                f'--columns: "{word.strip()}" is not a field keepgoing knows; use one of '
                f"{', '.join(FIELD_WORDS)} or {SKIP}."
            )
        mapping[loose_key(heading)] = (heading.strip(), column)
    return mapping


def _csv_lines(text: TextIO, name: str) -> Iterator[str]:
    """The file's lines, refusing a carriage return on its own (it would split a row in two)."""
    for number, line in enumerate(text, 1):
        if line.endswith("\r"):
            raise ImportProblem(
                f"{name}, line {number}: a carriage return (CR) on its own ends this line; "
                "save the file with ordinary line endings."
            )
        yield line


DELIMITERS = (",", ";", "\t", "|")


def _delimiter(header: str) -> str:
    """The delimiter under which the header line reads as the most columns keepgoing knows.

    Everything else is the standard dialect (Excel's, and Python's csv
    writer's: `"` quotes, `""` inside a quoted field). Sniffing the quoting
    from one line misread `""` escapes; the header says far more reliably
    which delimiter a spreadsheet used. A tie keeps the comma.
    """

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            return (-1, 0)
        known = sum(1 for cell in cells if loose_key(cell) in COLUMNS)
        return (known, len(cells))

    return max(DELIMITERS, key=score)  # max keeps the first of equals: the comma


def _read_csv(
    importer: Importer,
    text: TextIO,
    name: str,
    tick: Callable[[], None],
    columns: dict[str, tuple[str, str]] | None = None,
) -> None:
    lines = _csv_lines(text, name)
    first = next(lines, None)
    if first is None:
        raise ImportProblem(f"{name}: the file is empty.")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportProblem(f"{name}, line 1: {exc}.") from None
    mapped = _map_headings(header, columns or {}, name)
    unknown = [h for h, m in zip(header, mapped, strict=True) if m is None and h.strip()]
    if unknown:
        importer.report.notes.append(f"{name}: columns not imported: {', '.join(unknown)}")
    restored: list[tuple[int, str]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}, line {reader.line_num}"
            if len(row) > len(header):
                raise ImportProblem(f"{where}: {len(row)} cells but only {len(header)} columns.")
            fields = {
                m: cell for m, cell in zip(mapped, row, strict=False) if m and m != SKIP and cell.strip()
            }
            parts = [fields.pop(part, "").strip() for part in ("first_name", "last_name")]
            if "name" not in fields and any(parts):
                fields["name"] = " ".join(part for part in parts if part)
            if "phone" in fields and (mobile := _uk_mobile(fields["phone"])):
                fields["phone"] = mobile
                restored.append((reader.line_num, mobile))
            importer.person(fields, where)
            tick()
    except csv.Error as exc:
        raise ImportProblem(f"{name}, line {reader.line_num}: {exc}.") from None
    if restored:
        shown = ", ".join(str(n) for n, _ in restored[:MAX_LINES_SHOWN])
        more = len(restored) - MAX_LINES_SHOWN
        shown += f" and {more} more" if more > 0 else ""
        word, numbers = ("line", "the mobile number") if len(restored) == 1 else ("lines", "mobile numbers")
        importer.report.notes.append(
            f"{name}, {word} {shown}: {numbers} had lost the leading 0 (as spreadsheets drop it) and "
            f"{'was' if len(restored) == 1 else 'were'} read with it ({restored[0][1]}"
            f"{'' if len(restored) == 1 else ', ...'})"
        )


MAX_LINES_SHOWN = 20
_LOST_ZERO = re.compile(r"7\d{9}")


def _uk_mobile(cell: str) -> str | None:
    """A UK mobile that lost its leading zero in a spreadsheet ("7700900202"), as 07700 900202; else None."""
    digits = "".join(cell.split())
    if not _LOST_ZERO.fullmatch(digits):
        return None
    return f"0{digits[:4]} {digits[4:]}"


def _map_headings(header: list[str], columns: dict[str, tuple[str, str]], name: str) -> list[str | None]:
    """Each heading's field: `--columns` first, then the usual headings (`HEADINGS`); None when unknown."""
    keys = [loose_key(h) for h in header]
    missing = [typed for k, (typed, _) in columns.items() if k not in keys]
    if missing:
        raise ImportProblem(
            f'{name}, line 1: --columns names "{missing[0]}", which is not a heading of this file '
            f"(its headings: {', '.join(header)})."
        )
    mapped = [columns[k][1] if k in columns else COLUMNS.get(k) for k in keys]
    if not {"name", "first_name", "last_name"} & set(mapped):
        unknown = [h for h, m in zip(header, mapped, strict=True) if m is None and h.strip()]
        guess = (unknown or header)[0].strip()
        raise ImportProblem(
            f"{name}, line 1: there is no name column (columns: {', '.join(header)}); say which holds the "
            f'name, for example: keepgoing import {name} --columns "{guess}=name" '
            "(or first_name and last_name)."
        )
    for field_name in dict.fromkeys(m for m in mapped if m and m != SKIP):
        same = [h for h, m in zip(header, mapped, strict=True) if m == field_name]
        if len(same) > 1:
            raise ImportProblem(
                f"{name}, line 1: the columns {', '.join(same)} all mean {field_name}; keep one of them, "
                f'or leave the others out with --columns "{same[-1]}=skip".'
            )
    return mapped


# --- vCard (3.0 and 4.0) ----------------------------------------------------------


# Photos, logos, sounds and keys: never imported, and a single folded PHOTO of
# 32 MB took vobject 4.5 GB; they are left out before a card reaches it.
BINARY = frozenset(("photo", "logo", "sound", "key"))
_PROPERTY = re.compile(r"(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]")


def _vcards(text: TextIO, name: str) -> Iterator[tuple[int, str]]:
    """Each top-level BEGIN ... END block (its first line, its text), without binary properties.

    Read a line at a time, so only one card is ever held; a card still larger
    than `MAX_VCARD_CARD` without them is refused.
    """
    from keepgoing.bounded_input import MAX_VCARD_CARD

    depth, start, held, skipping = 0, 0, 0, False
    card: list[str] = []
    for number, line in enumerate(text, 1):
        found = _PROPERTY.match(line)
        if skipping:
            # The rest of a left-out property: folded lines, or vCard 2.1's bare base64 lines.
            if line[:1] in (" ", "\t") or (not found and line.strip()):
                continue
            skipping = False
        word = line.strip().upper()
        if depth == 0:
            if not word:
                continue
            if not word.startswith("BEGIN:"):
                raise ImportProblem(
                    f"{name}, line {number}: not a readable vCard (no BEGIN:VCARD before it)."
                )
            start, held, card = number, 0, []
        if found and found[1].casefold() in BINARY:
            skipping = True
            continue
        card.append(line)
        held += len(line)
        if held > MAX_VCARD_CARD:
            raise ImportProblem(
                f"{name}, card at line {start}: more than {MAX_VCARD_CARD // 1024**2} MB without its photo, "
                "logo, sound and key; this is not an address book keepgoing can read."
            )
        if found and word.startswith("BEGIN:"):
            depth += 1
        elif found and word.startswith("END:"):
            depth -= 1
            if depth == 0:
                yield start, "".join(card)
    if depth:
        yield start, "".join(card)  # unfinished: vobject says what is missing


def _read_vcard(importer: Importer, text: TextIO, name: str, tick: Callable[[], None]) -> None:
    import vobject
    from vobject.base import ParseError

    cards = 0
    start = 0
    try:
        for number, (first_line, card_text) in enumerate(_vcards(text, name), 1):
            start = first_line
            card = vobject.readOne(card_text, ignoreUnreadable=False)
            if card.name != "VCARD":
                raise ImportProblem(f"{name}: item {number} is a {card.name}, not a vCard.")
            importer.person(_card_fields(card), f"{name}, card {number}")
            cards += 1
            tick()
    except ParseError as exc:
        line = getattr(exc, "lineNumber", None)
        at = f", line {start + line - 1}" if line else ""
        raise ImportProblem(f"{name}{at}: not a readable vCard ({_first_line(exc)}).") from None
    except ImportProblem:
        raise
    except Exception as exc:  # vobject raises assorted errors on malformed cards
        raise ImportProblem(f"{name}: not a readable vCard ({type(exc).__name__}).") from None
    if not cards:
        raise ImportProblem(f"{name}: no vCards found.")


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _card_fields(card: Any) -> dict[str, Any]:
    def first(key: str) -> Any:
        items = card.contents.get(key)
        return items[0].value if items else None

    name = first("fn")
    if not name and first("n") is not None:
        n = first("n")
        name = " ".join(part for part in (n.prefix, n.given, n.additional, n.family, n.suffix) if part)
    if not name:
        name = first("org")
        name = " ".join(name) if isinstance(name, list) else name
    phone = first("tel")
    if isinstance(phone, str) and phone.lower().startswith("tel:"):
        # A tel: URI (vCard 4.0): the number, then ;ext=102 and other parameters.
        number, *parameters = phone[4:].split(";")
        extension = next((p[4:] for p in parameters if p.lower().startswith("ext=")), None)
        phone = f"{number} ext. {extension}" if extension else number
    org = first("org")
    if isinstance(org, list):
        org = " / ".join(part for part in org if part)
    tags: list[str] = []
    for item in card.contents.get("categories", []):
        value = item.value
        tags.extend(value if isinstance(value, list) else [value])
    aliases: list[str] = []
    for item in card.contents.get("nickname", []):
        aliases.extend(part.strip() for part in str(item.value).split(",") if part.strip())
    return {
        "name": name,
        "email": first("email"),
        "phone": phone,
        "organisation": org or None,
        "role": first("title"),
        "note": first("note"),
        "tags": [t for t in tags if t and t.strip()],
        "aliases": aliases,
    }
