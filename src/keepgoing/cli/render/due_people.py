"""The morning screen's people: one line a person, the name giving way first, how to reach them never."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import last_contact, literal
from keepgoing.date_display import describe_rhythm
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.rhythm import DueEntry, DueReport


def _reach(entry: DueEntry) -> str:
    detail = {"phone": entry.phone, "text": entry.phone, "email": entry.email}.get(entry.prefers or "")
    if not entry.prefers:
        detail = entry.phone or entry.email
    return " ".join(safe(p) for p in (entry.prefers, detail) if p)


def _due_text(entry: DueEntry) -> Text:
    overdue = entry.days_overdue
    if overdue > 0:
        return Text(f"{plural(overdue, 'day')} over", style="yellow")
    if overdue == 0:
        return Text("today", style="green")
    return Text(f"in {plural(-overdue, 'day')}", style="dim")


def _last(entry: DueEntry, today: date, with_channel: bool) -> Text:
    return last_contact(entry.last_contact_day, entry.last_contact_via if with_channel else None, today)


def people_table(report: DueReport, people: list[DueEntry], *, team: bool, heading: str, width: int) -> Table:
    """One line a person. Columns 2 apart; the name gives way first, how to reach them never."""
    today = report.today
    reach = [_reach(entry) for entry in people]
    workers = [safe(entry.worker) if entry.worker else messages.NO_WORKER for entry in people]

    def widest(values: list[str], header: str) -> int:
        return max([cell_len(header), *(cell_len(v) for v in values)])

    def last_width(with_channel: bool) -> int:
        return widest([_last(e, today, with_channel).plain for e in people], "Last contact")

    rhythm = widest([describe_rhythm(e.cadence_days) for e in people], "Rhythm")
    due = widest([_due_text(e).plain for e in people], "Due")
    reach_full = widest(reach, "Reach them by")
    # A phone number is never split: the column is at least as wide as the widest one.
    with_phone = [how for how, e in zip(reach, people, strict=True) if e.phone and e.phone in how]
    reach_least = max([cell_len(how) for how in with_phone] + [5])
    worker = min(widest(workers, "Key worker"), 16) if team else 0
    names = widest([safe(e.label) for e in people], "Who")

    def room(columns: list[int]) -> int:
        """What is left of the width for the name beside these columns, 2 apart."""
        shown = [c for c in columns if c]
        return width - sum(shown) - 2 * len(shown)

    # What gives way, in turn: the channel of the last contact, the rhythm, the name down
    # to 12, how to reach them (down to its phone numbers: an email folds), the name to 8.
    with_channel = room([last_width(True), rhythm, due, reach_full, worker]) >= names
    with_rhythm = room([last_width(with_channel), rhythm, due, reach_full, worker]) >= min(names, 12)
    others = [last_width(with_channel), rhythm if with_rhythm else 0, due, worker]
    reach_width = reach_full
    if room([*others, reach_full]) < min(names, 12):
        reach_width = max(reach_least, room(others) - 2 - min(names, 12))
    name_width = max(room([*others, reach_width]), 8)
    table = Table(
        title=heading,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    table.add_column("Who", style="bold", no_wrap=True, overflow="ellipsis", max_width=name_width)
    table.add_column("Last contact", no_wrap=True)
    if with_rhythm:
        table.add_column("Rhythm", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    # Never cut: it is how to reach them.
    table.add_column("Reach them by", overflow="fold", min_width=reach_width, max_width=reach_width)
    if team:
        table.add_column("Key worker", no_wrap=True, overflow="ellipsis", max_width=16)
    for entry, how, whose in zip(people, reach, workers, strict=True):
        cells: list[Any] = [literal(entry.label), _last(entry, today, with_channel)]
        if with_rhythm:
            cells.append(describe_rhythm(entry.cadence_days))
        cells += [_due_text(entry), Text(how) if how else Text("-", style="dim")]
        if team:
            cells.append(Text(whose, style="" if entry.worker else "dim"))
        table.add_row(*cells)
    return table
