"""CSV: a spreadsheet of conversations out, a spreadsheet of people in.

Written: one row per person per conversation.

UTF-8; with a byte-order mark when written to a file (so Excel opens it as
UTF-8), without one on stdout (so pipes and scripts see plain UTF-8).
Spreadsheet-safe: a cell that would start with =, +, -, @, tab or carriage
return is prefixed with an apostrophe (OWASP's CSV-injection advice), so no
note can become a formula.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from keepgoing.errors import UsageError
from keepgoing.exchange.importing import ImportProblem
from keepgoing.exchange.selection import Selection, conversations_with_people, grouped
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant
from keepgoing.text import loose_key

if TYPE_CHECKING:
    from keepgoing.exchange.formats import ExportOptions
    from keepgoing.exchange.importing import Importer, ImportJob, ImportReport

HEADER = [
    "date",
    "time",
    "person",
    "organisation",
    "tags",
    "channel",
    "wellbeing",
    "note",
    "logged_by",
    "conversation_id",
    # "no" for a try that did not reach them (log --no-answer).
    "reached",
    # "yes" for a conversation logged --private (in a team store, its writer's and the managers').
    "private",
]
_TRIGGERS = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    if value and value[0] in _TRIGGERS:
        return "'" + value
    return value


def write_csv(
    store: Store, out: TextIO, selection: Selection, *, tick: Callable[[], None] = lambda: None
) -> dict[str, int]:
    writer = csv.writer(out, lineterminator="\r\n")
    monitoring: dict[int, list[str]] = {}
    blank: list[str] = []
    if selection.monitoring:
        from keepgoing.core.monitoring import CSV_COLUMNS, csv_cells

        monitoring = csv_cells(store)
        blank = [""] + ["not-asked"] * (len(CSV_COLUMNS) - 1)
    writer.writerow(HEADER + (list(CSV_COLUMNS) if selection.monitoring else []))
    tags = {
        pid: neutralise(", ".join(values))
        for pid, values in grouped(
            store, "SELECT person_id AS pid, tag AS value FROM person_tag ORDER BY tag"
        ).items()
    }
    wanted = None
    if selection.filters_people:
        where, params = selection.person_where("p")
        wanted = {row["id"] for row in store.stream(f"SELECT p.id FROM person p WHERE {where}", params)}
    rows = 0
    # Each person's own score in a group session: (conversation id, person id) -> score.
    own = {
        (r["conversation_id"], r["person_id"]): r["wellbeing"]
        for r in store.stream(
            "SELECT conversation_id, person_id, wellbeing FROM conversation_person WHERE wellbeing IS NOT NULL"
        )
    }
    for conversation, present in conversations_with_people(store, selection):
        # Per conversation, not per row: the cells every participant's row shares.
        local = stored_instant(conversation["occurred_at"]).astimezone()
        # The time only when one was typed: a bare day is stored at noon, or when it was logged.
        day = local.date().isoformat()
        clock_time = f"{local.hour:02d}:{local.minute:02d}" if conversation["time_given"] else ""
        wellbeing = conversation["wellbeing"] if conversation["wellbeing"] is not None else ""
        note = neutralise(selection.text(conversation["note"]) or "")
        logged_by = neutralise(conversation["logged_by"] or "")
        for person_id, name, organisation in present:
            if wanted is not None and person_id not in wanted:
                continue
            writer.writerow(
                (
                    day,
                    clock_time,
                    neutralise(selection.name(person_id, name)),
                    neutralise(organisation or ""),
                    tags.get(person_id, ""),
                    conversation["via"],
                    own.get((conversation["id"], person_id), wellbeing),
                    note,
                    logged_by,
                    conversation["id"],
                    "yes" if conversation["reached"] else "no",
                    "yes" if conversation["private"] else "no",
                    *(monitoring.get(person_id, blank) if selection.monitoring else ()),
                )
            )
            rows += 1
        tick()
    return {"rows": rows}


def export(store: Store, out: TextIO, selection: Selection, options: ExportOptions) -> dict[str, int]:
    return write_csv(store, out, selection, tick=options.tick)


def read(path: Path, job: ImportJob) -> ImportReport:
    from keepgoing.bounded_input import MAX_IMPORT_BYTES

    return job.run_text(
        path,
        MAX_IMPORT_BYTES,
        lambda importer, text: read_people(importer, text, path.name, job.tick, job.columns),
    )


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


def read_people(
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
