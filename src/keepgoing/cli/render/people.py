"""`people`: everyone listed, with tags, rhythm, last contact and status."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, last_contact, literal
from keepgoing.date_display import describe_day, describe_rhythm
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.person import Person

COLUMNS = ("Organisation", "Tags", "Rhythm")


def _status(person: Person, status: str, today: date) -> str:
    if status == "paused":
        until = f"paused to {describe_day(person.paused_until)}" if person.paused_until else "paused"
        return until + (f": {person.pause_reason}" if person.pause_reason else "")
    if status == "archived":
        return "archived"
    if not person.is_active(today):
        return "consent withdrawn"
    return "due" if person.is_due(today) else f"next {describe_day(person.due_on)}"


def _row(person: Person, today: date, team: bool) -> list[Any]:
    status = person.status(today)
    cells: list[Any] = [
        literal(person.label),
        literal(person.organisation),
        literal(", ".join(person.tags)),
        describe_rhythm(person.cadence_days),
        last_contact(person.last_contact_day, person.last_contact_via, today),
        Text(_status(person, status, today), style="dim" if status != "active" else ""),
    ]
    if team:
        cells.append(literal(person.worker))
    return cells


def people_table(people: list[Person], today: date, *, tag: str | None, total: int | None = None) -> None:
    """The people listed; `total`: how many there are in all, when a --limit left some out."""
    out = console()
    if not people:
        out.print(Text(f"Nobody tagged {safe(tag, inline=True)}." if tag else "Nobody to show."))
        return
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Name", style="bold")
    for name in COLUMNS:
        table.add_column(name)
    table.add_column("Last contact", no_wrap=True)
    table.add_column("Status")
    team = any(person.worker for person in people)  # a personal store has no key workers
    if team:
        table.add_column("Key worker")
    for person in people:
        table.add_row(*_row(person, today, team))
    out.print(table)
    hidden = (total or len(people)) - len(people)
    if hidden > 0:
        out.print(
            Text(messages.MORE_PEOPLE.format(count=hidden, total=plural(total or 0, "person")), style="dim")
        )
    else:
        out.print(Text(f"{plural(len(people), 'person')}.", style="dim"))
