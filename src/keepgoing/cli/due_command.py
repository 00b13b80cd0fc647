"""due: the morning screen. Who is due a check-in, and which follow-ups are due."""

from typing import Annotated

import typer

from keepgoing import clock
from keepgoing.cli.app import DbOption, JsonOption, app, examples, open_store
from keepgoing.cli.output import emit_json
from keepgoing.dates import parse_duration


@app.command(
    rich_help_panel="Every day",
    epilog=examples("keepgoing due", "keepgoing due --within 3d --tag partner", "keepgoing due --json"),
)
def due(
    within: Annotated[
        str | None, typer.Option("--within", help="Also show who falls due in the next 3d, 1w, ...")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only people with this tag.")] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, help="Most people to list in the table (JSON lists all)."),
    ] = 50,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Who is due a check-in (most overdue for their rhythm first), and follow-ups due."""
    from keepgoing.core.rhythm import due as due_report

    today = clock.local_today(clock.now())
    within_days = parse_duration(within, allow_zero=True) if within else 0
    store = open_store(db)
    # The table shows `limit` rows; JSON lists everyone.
    report = due_report(
        store, today=today, within_days=within_days, tag=tag, limit=None if json_out else limit
    )
    if json_out:
        emit_json(report.to_json())
        return
    from keepgoing.cli import render

    render.due_screen(store, report, limit=limit, tag=tag)
