"""CSV for spreadsheets: one row per person per conversation.

UTF-8; with a byte-order mark when written to a file (so Excel opens it as
UTF-8), without one on stdout (so pipes and scripts see plain UTF-8).
Spreadsheet-safe: a cell that would start with =, +, -, @, tab or carriage
return is prefixed with an apostrophe (OWASP's CSV-injection advice), so no
note can become a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TextIO

from keepgoing.exchange.selection import Selection, conversations_with_people, grouped
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant

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
