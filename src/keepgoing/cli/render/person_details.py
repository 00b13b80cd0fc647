"""The top of `show NAME`: one person's details, rhythm, status, consent, wellbeing and measures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import last_contact, literal
from keepgoing.date_display import describe_day, describe_rhythm

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.measures import Latest
    from keepgoing.core.person import Person

SPARKS = " ▁▃▅▇█"


def sparkline(scores: Sequence[int]) -> str:
    """Wellbeing scores 1-5 as a small bar per check-in, oldest first."""
    return "".join(SPARKS[score] for score in scores if 1 <= score <= 5)


def _fields(person: Person) -> list[tuple[str, str | None]]:
    return [
        ("Also known as", ", ".join(person.aliases)),
        ("Organisation", person.organisation),
        ("Role", person.role),
        ("Phone", person.phone),
        ("Email", person.email),
        ("Prefers", person.prefers),
        ("Tags", ", ".join(person.tags)),
        ("Key worker", person.worker),
    ]


def _when_next(person: Person, today: date) -> tuple[str, str | Text]:
    status = person.status(today)
    if status == "archived":
        return "Status", "archived"
    if status == "paused":
        why = f": {person.pause_reason}" if person.pause_reason else ""
        return "Status", literal(f"paused until {describe_day(person.paused_until or today)}{why}")
    if person.consent == "withdrawn":
        return "Next due", "never: consent to be contacted withdrawn"
    return "Next due", describe_day(person.due_on)


def _consent_terms(person: Person) -> str:
    terms = [person.consent or "not recorded"]
    if person.consent_channels:
        terms.append("by " + person.consent_channels.replace(",", ", "))
    if person.consent_on:
        terms.append(f"since {describe_day(person.consent_on)}")
    if person.consent_review_on:
        terms.append(f"review {describe_day(person.consent_review_on)}")
    return "; ".join(terms)


def _trend(person: Person, wellbeing: Sequence[int]) -> Text:
    trend = Text(sparkline(wellbeing), style="cyan")
    trend.append(f"  latest {wellbeing[-1]}/5")
    if person.wellbeing_drop:
        trend.append(f"  (dropped {person.wellbeing_drop})", style="magenta")
    return trend


def measure_scores(latest: Latest) -> Text:
    """ "Life satisfaction 7 (+2), ... · 3 Dec 2026": the latest answers, and each one's change."""
    from keepgoing.cli.measure_input import number

    shown = Text()
    for part in latest.measure.parts:
        if part.key not in latest.values:
            continue
        if shown:
            shown.append(", ")
        shown.append(f"{part.label} {number(latest.values[part.key])}")
        change = latest.change(part.key)
        if change is not None:
            shown.append(f" ({'+' if change > 0 else ''}{number(change)})" if change else " (=)", style="dim")
    when = describe_day(latest.when.astimezone().date())
    shown.append(f"  {when}", style="dim")
    if latest.previous_when is not None:
        since = messages.MEASURE_CHANGE.format(day=describe_day(latest.previous_when.astimezone().date()))
        shown.append(f" ({since})", style="dim")
    return shown


def details_grid(
    person: Person, today: date, *, wellbeing: Sequence[int], measures: Sequence[Latest]
) -> Table:
    """Label and value, one a line; a detail not recorded is left out."""
    card = Table.grid(padding=(0, 2))
    card.add_column(style="dim")
    card.add_column()

    def row(label: str, value: str | None) -> None:
        if value:
            card.add_row(label, literal(value))

    for label, value in _fields(person):
        row(label, value)
    card.add_row("Rhythm", describe_rhythm(person.cadence_days))
    card.add_row("Last contact", last_contact(person.last_contact_day, person.last_contact_via, today))
    card.add_row(*_when_next(person, today))
    row("What matters", person.note)
    if person.consent or person.consent_review_on:
        card.add_row("Consent", literal(_consent_terms(person)))
        row("Their terms", person.consent_note)
    if wellbeing:
        card.add_row("Wellbeing", _trend(person, wellbeing))
    for latest in measures:
        card.add_row(literal(latest.measure.title), measure_scores(latest))
    return card
