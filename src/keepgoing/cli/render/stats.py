"""`stats`: conversations per period as a bar chart, then the headline figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing.cli.render.terminal import console

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.stats import StatsView

BAR = 28  # the longest bar, in characters


def _chart(view: StatsView) -> Table:
    numbers = [p.conversations for p in view.periods if isinstance(p.conversations, int)]
    widest = max(numbers, default=0) or 1
    table = Table(
        title=f"Conversations by {view.by} since {view.since.isoformat()}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("From")
    table.add_column("Conversations")
    table.add_column("People", justify="right")
    for period in view.periods:
        count = period.conversations
        bar = "█" * round(BAR * count / widest) if isinstance(count, int) else ""
        table.add_row(period.start.isoformat(), Text.assemble((bar, "cyan"), f" {count}"), str(period.people))
    return table


def stats_chart(view: StatsView) -> None:
    """Conversations per period as a bar chart, then the headline figures."""
    out = console()
    out.print(_chart(view))
    channels = ", ".join(f"{name} {count}" for name, count in view.channels.items() if count)
    out.print(Text(f"By channel: {channels or 'none yet'}"))
    out.print(Text(f"People reached: {view.people_reached}"))
    out.print(Text(f"Due a check-in now: {view.overdue_now} (a month ago: {view.overdue_month_ago})"))
    if view.wellbeing_average is not None:
        out.print(Text(f"Average wellbeing: {view.wellbeing_average} from {view.wellbeing_count} check-ins"))
