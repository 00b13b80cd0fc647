"""measure add, list and remove: the standard wellbeing measures scores are given in."""

from pathlib import Path
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.endings import each_json
from keepgoing.cli.options import JsonOption, emit, examples, open_store, screens
from keepgoing.cli.output import say, user

measure_app = typer.Typer(
    help="Standard wellbeing measures: ONS4 built in, and your organisation's own licensed ones.",
    no_args_is_help=True,
    epilog=examples(
        "keepgoing measure list",
        "keepgoing measure add calm5.toml   (a measure your organisation holds a licence for)",
        "keepgoing log sam --measure calm5 4,3,4,5,2",
    ),
)
app.add_typer(measure_app, name="measure", rich_help_panel="Reports")

# The largest measure file read: a definition is a few kilobytes.
MAX_FILE = 256 * 1024


@measure_app.command(
    "add",
    epilog=examples(
        "keepgoing measure add calm5.toml",
        "(a TOML file: name, title, licence, scoring = sum|mean|none, [[items]] with key, label, "
        "question, min, max; optional conversion table, bands, lower_is_better, change)",
    ),
)
def measure_add(
    file: Annotated[Path, typer.Argument(help="The measure's TOML file.", show_default=False)],
    json_out: JsonOption = False,
) -> None:
    """Add a measure your organisation uses, from a small TOML file (its wording stays yours)."""
    from keepgoing.bounded_input import read_limited_text
    from keepgoing.core.measures import add_measure

    text = read_limited_text(file, limit=MAX_FILE, what="measure file")
    measure = add_measure(open_store(create=True), text, where=file.name, now=clock.now())
    emit(measure, _say_added, json_out=json_out)


def _say_added(measure) -> None:
    count = len(measure.items)
    say(
        messages.MEASURE_ADDED.format(
            name=user(measure.name),
            title=user(measure.title),
            items=f"{count} item{'' if count == 1 else 's'}",
            scoring="by item" if measure.scoring == "none" else f"as a {measure.scoring}",
            licence=user(measure.licence),
        )
    )


@measure_app.command("list", epilog=examples("keepgoing measure list", "keepgoing measure list --json"))
def measure_list(json_out: JsonOption = False) -> None:
    """The measures scores can be given in: ONS4, and those your organisation added."""
    from keepgoing.core.measures import list_measures

    measures = list_measures(open_store())
    emit(
        measures,
        lambda found: screens().measures_table(found),
        json_out=json_out,
        as_json=each_json,
    )


@measure_app.command("remove", epilog=examples("keepgoing measure remove calm5"))
def measure_remove(
    name: Annotated[str, typer.Argument(help="The measure's name.", show_default=False)],
) -> None:
    """Remove a measure your organisation added (not while any of its scores are kept)."""
    from keepgoing.core.measures import remove_measure

    measure = remove_measure(open_store(), name)
    say(messages.MEASURE_REMOVED.format(name=user(measure.name)))
