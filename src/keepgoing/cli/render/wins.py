"""`wins`: small wins to celebrate, with whom, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console
from keepgoing.date_display import describe_day
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.wins import Win


def _line(item: Win) -> Text:
    line = Text("  ★ ", style="yellow")
    line.append(safe(item.text, inline=True))
    extras = ", ".join([*item.people, *([item.group] if item.group else [])])
    if extras:
        line.append(f"  with {safe(extras, inline=True)}", style="dim")
    line.append(f"  {describe_day(item.when.astimezone().date())}", style="dim")
    return line


def wins_view(wins: list[Win]) -> None:
    out = console()
    if not wins:
        out.print(Text(messages.NO_WINS))
        return
    out.print(Text(f"{plural(len(wins), 'small win')} to celebrate", style="bold green"))
    for item in wins:
        out.print(_line(item))
