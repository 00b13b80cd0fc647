"""Reading import files: keepgoing JSON, a CSV of people, vCard address books."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from keepgoing.errors import BadInput
from keepgoing.exchange.importing import Importer, ImportProblem, ImportReport
from keepgoing.storage import Store

FORMATS = ("json", "csv", "vcard")
MAX_FILE_BYTES = 2 * 1024**3


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


def read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise BadInput(f"{path} is a folder, not a file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path} is larger than 2 GB; split it first.")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"There is no file {path}.") from None
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
        ) from None
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None


def import_file(
    store: Store,
    path: Path,
    *,
    format: str | None = None,
    dry_run: bool = False,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Import `path` in one transaction; with `dry_run`, report and roll back."""
    kind = detect_format(path, format)
    return import_text(
        store, read_text(path), kind=kind, name=path.name, file=str(path), dry_run=dry_run, now=now, tick=tick
    )


def import_text(
    store: Store,
    text: str,
    *,
    kind: str,
    name: str,
    file: str,
    dry_run: bool = False,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Import `text` (json, csv or vcard) in one transaction; `name` labels problems."""
    report = ImportReport(file=file, format=kind, dry_run=dry_run)
    reader = {"json": _read_json, "csv": _read_csv, "vcard": _read_vcard}[kind]
    try:
        with store.write(), store.bulk_search_index():
            importer = Importer(store, report, now=now)
            reader(importer, text, name, tick)
            importer.finish()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


# --- keepgoing JSON ---------------------------------------------------------------


def _read_json(importer: Importer, text: str, name: str, tick: Callable[[], None]) -> None:
    from keepgoing.exchange.json_format import FORMAT_VERSION

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblem(f"{name}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    if not isinstance(data, dict) or "format_version" not in data:
        raise ImportProblem(f"{name}: not a keepgoing export (no format_version).")
    version = data["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportProblem(f"{name}: format_version must be a positive whole number.")
    if version > FORMAT_VERSION:
        raise ImportProblem(f"{name}: written by a newer keepgoing (format {version}); please upgrade.")
    if data.get("anonymised"):
        raise ImportProblem(f"{name}: an anonymised report cannot be imported; use a full export.")
    sections = {}
    for key in ("people", "conversations", "follow_ups", "notes", "ideas", "groups", "wins"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise ImportProblem(f"{name}: {key} must be a list of objects.")
        sections[key] = value
    for table, key in (
        ("person", "people"),
        ("conversation", "conversations"),
        ("follow_up", "follow_ups"),
        ("community_group", "groups"),
        ("person_note", "notes"),
        ("idea", "ideas"),
        ("win", "wins"),
    ):
        importer.reserve(table, [item.get("id") for item in sections[key]])
    ids: dict[Any, int] = {}
    names: dict[str, int] = {}
    for number, item in enumerate(sections["people"], 1):
        where = f"{name}, person {number}"
        pid = importer.person(item, where)
        if "id" in item:
            ids[_hashable(item["id"])] = pid
        names[str(item.get("name"))] = pid
        tick()
    group_ids: dict[Any, int] = {}
    for number, item in enumerate(sections["groups"], 1):
        where = f"{name}, group {number}"
        members = _refs(item, "member_ids", "members", ids, names, where)
        group_ids[_hashable(item.get("id"))] = importer.group(item, members, where)
        tick()
    conversation_ids: dict[Any, int | None] = {}
    for number, item in enumerate(sections["conversations"], 1):
        where = f"{name}, conversation {number}"
        present = _refs(item, "person_ids", "people", ids, names, where)
        group = _group_ref(item, group_ids, where)
        conversation_ids[_hashable(item.get("id"))] = importer.conversation(item, present, where, group)
        tick()
    for number, item in enumerate(sections["follow_ups"], 1):
        where = f"{name}, follow-up {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this follow-up.")
        conversation = conversation_ids.get(_hashable(item.get("conversation_id")))
        importer.follow_up(item, present[0], conversation, where)
        tick()
    for number, item in enumerate(sections["notes"], 1):
        where = f"{name}, note {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this note.")
        importer.note(item, present[0], where)
    for number, item in enumerate(sections["ideas"], 1):
        where = f"{name}, idea {number}"
        present = _refs(item, "person_id", "person", ids, names, where)
        if not present:
            raise ImportProblem(f"{where}: no person for this idea.")
        importer.idea(item, present[0], conversation_ids.get(_hashable(item.get("conversation_id"))), where)
    for number, item in enumerate(sections["wins"], 1):
        where = f"{name}, win {number}"
        present = _refs(item, "person_ids", "people", ids, names, where)
        importer.win(item, present, _group_ref(item, group_ids, where), where)


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


def _refs(item: dict, id_key: str, name_key_: str, ids: dict, names: dict, where: str) -> list[int]:
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

COLUMNS = {
    "name": "name",
    "full name": "name",
    "display name": "name",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "phone": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "phone number": "phone",
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "company": "organisation",
    "role": "role",
    "title": "role",
    "job title": "role",
    "tags": "tags",
    "tag": "tags",
    "groups": "tags",
    "categories": "tags",
    "rhythm": "cadence_days",
    "every": "cadence_days",
    "cadence": "cadence_days",
    "prefers": "prefers",
    "channel": "prefers",
    "aliases": "aliases",
    "alias": "aliases",
    "nickname": "aliases",
    "note": "note",
    "notes": "note",
}


def _read_csv(importer: Importer, text: str, name: str, tick: Callable[[], None]) -> None:
    lines = text.splitlines(keepends=True)
    if not lines:
        raise ImportProblem(f"{name}: the file is empty.")
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(lines, dialect)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportProblem(f"{name}, line 1: {exc}.") from None
    mapped = [COLUMNS.get(" ".join(h.strip().casefold().split())) for h in header]
    if "name" not in mapped:
        raise ImportProblem(f"{name}, line 1: there is no name column (columns: {', '.join(header)}).")
    unknown = [h for h, m in zip(header, mapped, strict=True) if m is None and h.strip()]
    if unknown:
        importer.report.notes.append(f"{name}: columns not imported: {', '.join(unknown)}")
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}, line {reader.line_num}"
            if len(row) > len(header):
                raise ImportProblem(f"{where}: {len(row)} cells but only {len(header)} columns.")
            fields = {m: cell for m, cell in zip(mapped, row, strict=False) if m and cell.strip()}
            importer.person(fields, where)
            tick()
    except csv.Error as exc:
        raise ImportProblem(f"{name}, line {reader.line_num}: {exc}.") from None


# --- vCard (3.0 and 4.0) ----------------------------------------------------------


def _read_vcard(importer: Importer, text: str, name: str, tick: Callable[[], None]) -> None:
    import vobject
    from vobject.base import ParseError

    cards = 0
    try:
        for number, card in enumerate(vobject.readComponents(text, ignoreUnreadable=False), 1):
            if card.name != "VCARD":
                raise ImportProblem(f"{name}: item {number} is a {card.name}, not a vCard.")
            importer.person(_card_fields(card), f"{name}, card {number}")
            cards += 1
            tick()
    except ParseError as exc:
        line = getattr(exc, "lineNumber", None)
        at = f", line {line}" if line else ""
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
