"""Follow-ups: the open ones as a table (and as rows for the morning screen), the finished ones."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day
from keepgoing.text import plural

if TYPE_CHECKING:  # for annotations only: each screen's caller has already loaded its part of the core
    from keepgoing.core.followups import FollowUp


def _due_cell(item: FollowUp, today: date, short: bool) -> Text:
    if item.due_on is None:
        return Text("-", style="dim")
    if item.is_overdue(today):
        late = "" if short else f" ({plural((today - item.due_on).days, 'day')} ago)"
        return Text(f"overdue: {describe_day(item.due_on)}{late}", style="bold yellow")
    if item.due_on == today:
        return Text("today", style="green")
    return Text(describe_day(item.due_on))


def follow_up_cells(item: FollowUp, today: date, *, team: bool, short: bool = False) -> list[Any]:
    """A follow-up's row: number, for whom, what, when due (`short`: the morning screen's), whose."""
    due_text = _due_cell(item, today, short)
    if item.consent_withdrawn:
        mark = messages.CONSENT_WITHDRAWN_SHORT if short else messages.CONSENT_WITHDRAWN_MARK
        due_text.append(f" ({mark})", style="magenta")
    cells: list[Any] = [str(item.id), literal(item.person_label), literal(item.text), due_text]
    if team:
        cells.append(literal(item.worker) if item.worker else Text(messages.NO_WORKER, style="dim"))
    return cells


def follow_ups_table(
    items: list[FollowUp],
    today: date,
    *,
    title: str,
    empty: str,
    limit: int | None = None,
    team: bool = False,
) -> None:
    out = console()
    if not items:
        if empty:
            out.print(Text(empty))
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("For", style="bold")
    table.add_column("What", overflow="fold")
    table.add_column("Due")
    if team:
        table.add_column("Whose")
    for item in items[:limit]:
        table.add_row(*follow_up_cells(item, today, team=team))
    out.print(table)
    if limit is not None and len(items) > limit:
        out.print(Text(f"…and {len(items) - limit} more (keepgoing followups, or --json).", style="dim"))


def finished_on(item: FollowUp) -> date:
    """The local day a finished follow-up was done or cancelled."""
    moment = item.cancelled_at or item.done_at
    assert moment is not None
    return moment.astimezone().date()


def _finished_cell(item: FollowUp) -> Text:
    day = finished_on(item)
    what = f"{item.status} {describe_day(day)}"
    late = item.status == "done" and item.due_on is not None and day > item.due_on
    cell = Text(what + (" (late)" if late else ""), style="dim" if item.status == "cancelled" else "")
    if item.cancelled_by:
        cell.append(" by ").append_text(literal(item.cancelled_by))
    return cell


def finished_follow_ups(items: list[FollowUp]) -> None:
    """Done and cancelled follow-ups, latest first: when, and (cancelled) by whom."""
    out = console()
    if not items:
        out.print(Text("No done or cancelled follow-ups."))
        return
    table = Table(title="Done and cancelled follow-ups", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("For", style="bold")
    table.add_column("What", overflow="fold")
    table.add_column("Done or cancelled")
    for item in items:
        table.add_row(str(item.id), literal(item.person_label), literal(item.text), _finished_cell(item))
    out.print(table)
