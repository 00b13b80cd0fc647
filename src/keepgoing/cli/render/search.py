"""`search WORDS`: what was found, where, about whom, with the matching words in bold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day
from keepgoing.text import safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.search import SearchResult


def search_results(results: list[SearchResult], query: str) -> None:
    out = console()
    if not results:
        out.print(Text(f"Nothing found for {safe(query, inline=True)}."))
        return
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("When")
    table.add_column("Found in")
    table.add_column("Who", style="bold")
    table.add_column("What")
    for result in results:
        when = describe_day(result.when.astimezone().date()) if result.when else ""
        where = result.kind if result.kind == "person" else f"{result.kind} #{result.id}"
        table.add_row(when, where, literal(", ".join(result.people)), highlighted(result.snippet))
    out.print(table)


def highlighted(snippet: str) -> Text:
    """A search snippet with its matches (between \\x02 and \\x03) in bold; the rest literal."""
    text = Text()
    for i, part in enumerate(snippet.replace("\x03", "\x02").split("\x02")):
        text.append(safe(part, inline=True), style="bold reverse" if i % 2 else "")
    return text
