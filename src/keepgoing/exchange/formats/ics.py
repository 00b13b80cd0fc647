"""Open follow-ups and next check-ins as all-day calendar events, through the icalendar library.

All-day VEVENTs rather than VTODOs, because Google Calendar imports events
but ignores to-dos; Outlook and Thunderbird take either. Each event's UID is
stable, so importing a newer export updates events instead of doubling them.
Each active person's next check-in is an event too ("Check in with Sam
Okafor", with how they like to be reached); people who withdrew consent,
and paused or archived people, are left out. Calendars are shared and
synced, so a phone number or email address goes in only with
`with_contacts` (`export --format ics --with-contacts`): without it an
event says "by phone" and nothing more.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from keepgoing import __version__
from keepgoing.core.anonymising import hide_contacts
from keepgoing.core.person import ACTIVE
from keepgoing.exchange.selection import Selection
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_date, as_datetime, stored_day

if TYPE_CHECKING:
    from keepgoing.exchange.formats import ExportOptions


def write_ics(
    store: Store, out: TextIO, selection: Selection, *, now: datetime, with_contacts: bool = False
) -> dict[str, int]:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//keepgoing//keepgoing {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "keepgoing")
    where, params = selection.person_where("p")
    host = socket.gethostname() or "keepgoing"
    count = 0
    for row in store.stream(
        "SELECT f.id, f.text, f.due_on, f.created_at, f.person_id, p.name FROM follow_up f "
        f"JOIN person p ON p.id = f.person_id WHERE f.done_at IS NULL AND f.cancelled_at IS NULL AND f.due_on IS NOT NULL AND ({where}) "
        "ORDER BY f.due_on, f.id",
        params,
    ):
        due = stored_day(row["due_on"])
        name = selection.name(row["person_id"], row["name"])
        text = selection.text(row["text"]) or "follow-up"
        if not with_contacts:
            text = hide_contacts(text)  # "ring her on 07700 900123" too
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
    check_ins = _check_ins(store, calendar, selection, now=now, host=host, with_contacts=with_contacts)
    out.write(calendar.to_ical().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n"))
    return {"follow_ups": count, "check_ins": check_ins}


def _check_ins(
    store: Store, calendar: Any, selection: Selection, *, now: datetime, host: str, with_contacts: bool
) -> int:
    """One all-day event per active person on their next due day (today, if they are overdue)."""
    from icalendar import Event

    today = now.astimezone().date()
    where, params = selection.person_where("p")
    count = 0
    for row in store.stream(
        "SELECT p.id, p.name, p.due_on, p.prefers, p.phone, p.email, p.cadence_days FROM person p "
        f"WHERE {ACTIVE} AND ({where}) ORDER BY p.due_on, p.name_key",
        {**params, "today": today},
    ):
        day = max(as_date(row["due_on"]) or today, today)
        name = selection.name(row["id"], row["name"])
        how = _how(row, selection, with_contacts=with_contacts)
        event = Event()
        # One UID per person: a re-imported calendar moves the check-in rather than adding another.
        event.add("uid", f"check-in-{row['id']}@{host}.keepgoing")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"Check in with {name}" + (f" ({how})" if how else ""))
        event.add("description", f"Next check-in with {name}{', ' + how if how else ''}. From keepgoing.")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
        count += 1
    return count


def _how(row: Any, selection: Selection, *, with_contacts: bool) -> str:
    """How they like to be reached: "by phone", or with `with_contacts` "by phone, 07700 900123"."""
    prefers = row["prefers"]
    contact = {"phone": row["phone"], "text": row["phone"], "email": row["email"]}.get(prefers or "")
    contact = selection.private(contact) if contact and with_contacts else None
    if not prefers:
        return ""
    return f"by {prefers}" + (f", {contact}" if contact else "")


def export(store: Store, out: TextIO, selection: Selection, options: ExportOptions) -> dict[str, int]:
    return write_ics(store, out, selection, now=options.now, with_contacts=options.with_contacts)
