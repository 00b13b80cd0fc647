"""The empty store's screen: where the store is, and three things to try."""

from __future__ import annotations

from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, literal

FIRST_STEPS = (
    'keepgoing add "Sam Okafor" --every 2w --prefers phone',
    'keepgoing log sam --via phone --note "Talked about the allotment"',
    "keepgoing due",
)


def welcome(location: str) -> None:
    """The empty store's screen: where the store is, and three things to try."""
    out = console()
    out.print(Text(messages.WELCOME, style="bold"))
    out.print(literal(messages.WELCOME_STORE.format(location=location)))
    out.print()
    for line in FIRST_STEPS:
        out.print(Text("  " + line, style="cyan"))
    out.print()
    out.print(Text(messages.WELCOME_HELP))
