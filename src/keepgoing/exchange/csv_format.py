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
from typing import Any, TextIO

from keepgoing.exchange.selection import Selection, conversations_with_people, grouped
from keepgoing.storage import Store
from keepgoing.storage.values import as_datetime

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
]
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def write_csv(
    store: Store, out: TextIO, selection: Selection, *, tick: Callable[[], None] = lambda: None
) -> dict[str, int]:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    tags = grouped(store, "SELECT person_id AS pid, tag AS value FROM person_tag ORDER BY tag")
    wanted = None
    if selection.filters_people:
        where, params = selection.person_where("p")
        wanted = {row["id"] for row in store.stream(f"SELECT p.id FROM person p WHERE {where}", params)}
    rows = 0
    for conversation, present in conversations_with_people(store, selection):
        local = as_datetime(conversation["occurred_at"]).astimezone()
        for person_id, name, organisation in present:
            if wanted is not None and person_id not in wanted:
                continue
            writer.writerow(
                neutralise(cell)
                for cell in (
                    local.date().isoformat(),
                    local.strftime("%H:%M"),
                    selection.name(person_id, name),
                    organisation or "",
                    ", ".join(tags.get(person_id, [])),
                    conversation["via"],
                    conversation["wellbeing"] if conversation["wellbeing"] is not None else "",
                    selection.text(conversation["note"]) or "",
                    conversation["logged_by"] or "",
                    conversation["id"],
                )
            )
            rows += 1
        tick()
    return {"rows": rows}
