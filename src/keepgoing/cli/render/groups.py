"""`group list` and `group show`: the groups, and one group's attendance and sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day, describe_rhythm
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.groups import Group, GroupDetail, Session

SESSIONS_SHOWN = 20


def groups_table(groups: list[Group]) -> None:
    out = console()
    if not groups:
        out.print(Text('No groups yet: keepgoing group add "Tuesday walking group" --every weekly'))
        return
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Group", style="bold")
    table.add_column("Meets")
    table.add_column("Members")
    for group in groups:
        meets = describe_rhythm(group.cadence_days) if group.cadence_days else ""
        table.add_row(literal(group.name), meets, literal(", ".join(group.members)))
    out.print(table)


def group_card(detail: GroupDetail) -> None:
    out = console()
    group = detail.group
    out.print(literal(group.name, "bold"))
    if group.cadence_days:
        out.print(
            Text(
                f"Meets {describe_rhythm(group.cadence_days)}; {plural(len(detail.sessions), 'session')} logged."
            )
        )
    if detail.attendance:
        out.print(_attendance(detail))
    if detail.stopped_coming:
        out.print(
            Text(
                messages.STOPPED_COMING.format(names=safe(", ".join(detail.stopped_coming), inline=True)),
                style="magenta",
            )
        )
    if detail.sessions:
        out.print(_sessions(detail.sessions[:SESSIONS_SHOWN]))


def _attendance(detail: GroupDetail) -> Table:
    table = Table(title="Attendance", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Who", style="bold")
    table.add_column("Came to", justify="right")
    for name, count in sorted(detail.attendance.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
        visiting = f" {messages.VISITOR_MARK}" if name in detail.visitors else ""
        table.add_row(literal(name + visiting), f"{count} of {len(detail.sessions)}")
    return table


def _sessions(sessions: list[Session]) -> Table:
    table = Table(title="Sessions", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("When")
    table.add_column("Who came")
    table.add_column("Note")
    for session in sessions:
        came = ", ".join(
            name + (f" ({session.scores[name]})" if name in session.scores else "")
            for name in session.present
        )
        table.add_row(describe_day(session.when.astimezone().date()), literal(came), literal(session.note))
    return table
