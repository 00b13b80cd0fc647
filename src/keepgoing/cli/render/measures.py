"""`measure list`: the measures this store knows, their items, scoring and licence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, literal

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.measures import Measure


def measures_table(measures: list[Measure]) -> None:
    out = console()
    table = Table(box=box.SIMPLE_HEAD, title=messages.MEASURE_LIST_TITLE)
    table.add_column("Measure", style="bold")
    table.add_column("Items")
    table.add_column("Scored")
    table.add_column("Licence")
    for measure in measures:
        ranges = sorted({f"{int(p.low)}-{int(p.high)}" for p in measure.items})
        table.add_row(
            literal(measure.name),
            Text(f"{len(measure.items)} ({', '.join(ranges)})"),
            Text("by item" if measure.scoring == "none" else measure.scoring),
            literal(measure.licence),
        )
    out.print(table)
