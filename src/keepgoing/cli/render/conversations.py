"""The foot of `show NAME`: one person's conversations, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing.cli.output import quoted
from keepgoing.cli.render.terminal import console, literal
from keepgoing.text import safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.conversations import Conversation


@dataclass(frozen=True)
class _Columns:
    """The columns worth showing: an empty one is left out, so the notes keep their room."""

    together: bool
    scored: bool
    loggers: bool

    @classmethod
    def of(cls, conversations: list[Conversation], name: str) -> _Columns:
        return cls(
            together=any(other != name for item in conversations for other in item.people),
            scored=any(item.wellbeing or item.feeling for item in conversations),
            # Who logged what matters only once more than one worker has.
            loggers=len({item.logged_by for item in conversations}) > 1,
        )


def _how(item: Conversation) -> str:
    return (
        item.via
        + ("" if item.reached else " (no answer)")
        + (f"\n{item.group}" if item.group else "")
        + ("\nprivate" if item.private else "")
    )


def _row(item: Conversation, name: str, shown: _Columns) -> list[Any]:
    cells: list[Any] = [str(item.id), item.describe_when(), literal(_how(item))]
    if shown.together:
        cells.append(literal(", ".join(other for other in item.people if other != name)))
    if shown.scored:
        feeling = (str(item.wellbeing) if item.wellbeing else "") + (
            f" {item.feeling}" if item.feeling else ""
        )
        cells.append(literal(feeling.strip()))
    cells.append(literal(item.note))
    if shown.loggers:
        cells.append(literal(item.logged_by))
    return cells


def _table(conversations: list[Conversation], name: str, total: int) -> Table:
    shown = _Columns.of(conversations, name)
    table = Table(title=f"Conversations ({total})", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("When", no_wrap=True)
    table.add_column("How")
    if shown.together:
        table.add_column("With")
    if shown.scored:
        table.add_column("Wellbeing", justify="center")
    table.add_column("Note", overflow="fold", ratio=1)
    if shown.loggers:
        table.add_column("Logged by")
    for item in conversations:
        table.add_row(*_row(item, name, shown))
    return table


def conversations_table(conversations: list[Conversation], name: str, total: int) -> None:
    """`total`: how many they have in all, when only the latest are listed."""
    out = console()
    if not conversations:
        out.print(
            Text("No conversations yet. Log one with: keepgoing log " + safe(quoted(name), inline=True))
        )
        return
    out.print(_table(conversations, name, total))
    if total > len(conversations):
        out.print(Text(f"…and {total - len(conversations)} earlier (keepgoing show --all).", style="dim"))
