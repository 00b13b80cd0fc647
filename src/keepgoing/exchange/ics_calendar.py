"""Open follow-ups as all-day calendar events, through the icalendar library.

All-day VEVENTs rather than VTODOs, because Google Calendar imports events
but ignores to-dos; Outlook and Thunderbird take either. Each event's UID is
stable, so importing a newer export updates events instead of doubling them.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import TextIO

from keepgoing import __version__
from keepgoing.exchange.selection import Selection
from keepgoing.storage import Store
from keepgoing.storage.values import as_date, as_datetime


def write_ics(store: Store, out: TextIO, selection: Selection, *, now: datetime) -> dict[str, int]:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//keepgoing//keepgoing {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "keepgoing follow-ups")
    where, params = selection.person_where("p")
    host = socket.gethostname() or "keepgoing"
    count = 0
    for row in store.stream(
        "SELECT f.id, f.text, f.due_on, f.created_at, f.person_id, p.name FROM follow_up f "
        f"JOIN person p ON p.id = f.person_id WHERE f.done_at IS NULL AND f.due_on IS NOT NULL AND ({where}) "
        "ORDER BY f.due_on, f.id",
        params,
    ):
        due = as_date(row["due_on"])
        name = selection.name(row["person_id"], row["name"])
        text = selection.text(row["text"]) or "follow-up"
        event = Event()
        event.add("uid", f"follow-up-{row['id']}@{host}.keepgoing")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("created", as_datetime(row["created_at"]))
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"Follow-up for {name}: {text}")
        event.add("description", f"{text}\n\nFor {name}. From keepgoing (follow-up #{row['id']}).")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
        count += 1
    out.write(calendar.to_ical().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n"))
    return {"follow_ups": count}
