"""What import and copy say about people forgotten here (core/tombstones.py)."""

from typing import Annotated

import typer

from keepgoing import messages
from keepgoing.cli.output import say, user
from keepgoing.text import plural

IncludeForgottenOption = Annotated[
    list[str] | None,
    typer.Option(
        "--include-forgotten",
        help="Bring back this person, forgotten here before, on purpose (repeatable); lifts their tombstone.",
    ),
]


def say_forgotten(report) -> None:
    """How many people forgotten here were left out, and when they were forgotten; who came back."""
    from keepgoing.date_display import describe_day

    if report.forgotten_on:
        days = sorted(set(report.forgotten_on))
        say(
            messages.IMPORT_FORGOTTEN.format(
                people=plural(len(report.forgotten_on), "person"),
                days=", ".join(describe_day(d) for d in days),
                items=plural(report.forgotten_items_skipped, "record"),
            )
        )
    if report.brought_back:
        say(messages.IMPORT_BROUGHT_BACK.format(names=", ".join(user(n) for n in report.brought_back)))
