"""stats and search: looking back over the work."""

from datetime import timedelta
from typing import Annotated

import typer

from keepgoing import clock
from keepgoing.cli.app import app
from keepgoing.cli.endings import each_json
from keepgoing.cli.options import JsonOption, emit, examples, open_store, screens
from keepgoing.dates import parse_when
from keepgoing.errors import BadInput
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete


@app.command(
    rich_help_panel="Reports and data",
    epilog=examples(
        "keepgoing stats",
        "keepgoing stats --since 2026-04-01 --by week --tag partner",
        "keepgoing stats --json --anonymise   (counts under 5 shown as <5)",
    ),
)
def stats(
    since: Annotated[
        str | None, typer.Option("--since", help="From this day (default: six months ago).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="week or month.")] = "month",
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only people with this tag.", autocompletion=complete.tags)
    ] = None,
    anonymise: Annotated[
        bool, typer.Option("--anonymise", "--anonymize", help="Show counts under 5 as <5.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Conversations and people reached per week or month, channels, overdue and wellbeing."""
    from keepgoing.core.stats import stats_summary

    period = by.strip().lower()
    if period not in ("week", "month"):
        raise BadInput(f"--by is week or month, not {by!r}.")
    today = clock.local_today(clock.now())
    start = (
        parse_when(since, today=today, prefer="either", dayfirst=dayfirst()).day
        if since
        else today - timedelta(days=182)
    )
    if start > today:
        raise BadInput("--since is in the future.")
    store = open_store()
    result = stats_summary(store, today=today, since=start, by=period, tag=tag)
    emit(
        result,
        lambda result: screens().stats_chart(result.view(anonymise=anonymise)),
        json_out=json_out,
        as_json=lambda result: result.to_json(anonymise=anonymise),
    )


@app.command(
    rich_help_panel="Reports and data",
    epilog=examples("keepgoing search allotment", 'keepgoing search "food bank" --json'),
)
def search(
    words: Annotated[
        list[str], typer.Argument(help="Words to find in notes, names, organisations and tags.")
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most results to show.")] = 50,
    json_out: JsonOption = False,
) -> None:
    """Find people by words (by name), then conversations, follow-ups, ideas, notes and wins, newest first."""
    from keepgoing.core.search import search_results

    store = open_store()
    results = search_results(store, " ".join(words), limit=limit)
    from keepgoing.core.audit import record

    record(store, "search", records=f"{len(results)} results")  # never the words searched for
    emit(
        results,
        lambda found: screens().search_results(found, " ".join(words)),
        json_out=json_out,
        as_json=each_json,
    )
