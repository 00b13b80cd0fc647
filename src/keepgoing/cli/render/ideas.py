"""`ideas`: ideas people shared, who raised them, what became of them and whether they were told."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.ideas import Idea


def _told(item: Idea) -> str:
    if item.told_at:
        return describe_day(item.told_at.astimezone().date())
    return "not yet" if item.untold else ""


def ideas_table(ideas: Sequence[Idea], empty: str = messages.NO_IDEAS) -> None:
    out = console()
    if not ideas:
        out.print(Text(empty))
        return
    table = Table(title="Ideas", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("From", style="bold")
    table.add_column("Idea")
    table.add_column("Status")
    table.add_column("What became of it")
    table.add_column("Told")
    for item in ideas:
        table.add_row(
            str(item.id),
            literal(item.raised_by),
            literal(item.text),
            item.status,
            literal(item.outcome),
            _told(item),
        )
    out.print(table)
