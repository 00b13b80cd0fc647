"""`show NAME`: one person's card, what matters to them, their ideas, follow-ups and conversations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from keepgoing.cli.render.conversations import conversations_table
from keepgoing.cli.render.followups import finished_on, follow_ups_table
from keepgoing.cli.render.ideas import ideas_table
from keepgoing.cli.render.person_details import details_grid
from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day

if TYPE_CHECKING:  # for annotations only: each screen's caller has already loaded its part of the core
    from keepgoing.core.conversations import Conversation
    from keepgoing.core.followups import FollowUp
    from keepgoing.core.ideas import Idea
    from keepgoing.core.measures import Latest
    from keepgoing.core.notes import Note
    from keepgoing.core.person import Person


def person_card(
    person: Person,
    conversations: list[Conversation],
    total: int,
    follow_ups: list[FollowUp],
    today: date,
    *,
    notes: Sequence[Note] = (),
    ideas: Sequence[Idea] = (),
    wellbeing: Sequence[int] = (),
    measures: Sequence[Latest] = (),
) -> None:
    out = console()
    out.print(literal(person.label, "bold"))
    out.print(details_grid(person, today, wellbeing=wellbeing, measures=measures))
    for licence in dict.fromkeys(latest.measure.licence for latest in measures):
        out.print(literal(licence, "dim"))
    if notes:
        _notes(notes)
    if ideas:
        out.print()
        ideas_table(ideas)
    _open_follow_ups(person, [f for f in follow_ups if f.status == "open"], today)
    _finished([f for f in follow_ups if f.status != "open"])
    out.print()
    conversations_table(conversations, person.name, total)


def _notes(notes: Sequence[Note]) -> None:
    out = console()
    out.print()
    out.print(Text("What matters to them", style="bold"))
    for item in notes:
        out.print(
            Text("  • ")
            .append(literal(item.text))
            .append(f"  ({describe_day(item.created_at.astimezone().date())})", style="dim")
            .append("  private" if item.private else "", style="dim")
        )


def _open_follow_ups(person: Person, open_items: list[FollowUp], today: date) -> None:
    if not open_items:
        return
    console().print()
    # In a team (a key worker, or promises by several people), say whose each one is.
    team = bool(person.worker) or len({item.worker for item in open_items}) > 1
    follow_ups_table(open_items, today, title="Open follow-ups", empty="", team=team)


def _finished(finished: list[FollowUp]) -> None:
    if not finished:
        return
    out = console()
    out.print()
    out.print(Text(f"Done and cancelled follow-ups ({len(finished)})", style="italic"))
    for item in finished:
        out.print(
            Text(f"  #{item.id} ")
            .append(literal(item.text))
            .append(f"  ({item.status} {describe_day(finished_on(item))})", style="dim")
        )
