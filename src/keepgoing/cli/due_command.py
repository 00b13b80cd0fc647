"""due: the morning screen. Who is due a check-in, and which follow-ups are due."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from keepgoing import clock
from keepgoing.cli.app import app
from keepgoing.cli.options import JsonOption, emit, examples, open_store
from keepgoing.errors import UsageError
from keepgoing.storage import completion as complete

if TYPE_CHECKING:
    from keepgoing.core.rhythm import DueReport
    from keepgoing.storage import Store


def caseload(mine: bool, worker: str | None, team: bool) -> str | None:
    """Whose people to show: a worker's name, or None for everyone's.

    With none of the options, the config file's `due` setting decides
    ("mine" in a team store, everyone by default).
    """
    if sum((mine, worker is not None, team)) > 1:
        raise UsageError("Choose one of --mine, --worker and --team.")
    from keepgoing import settings
    from keepgoing.text import worker_key

    if worker is not None:
        return worker_key(worker)
    if team:
        return None
    if mine or settings.due_default() == "mine":
        me = settings.current_user()
        if me is None:
            raise UsageError('Who are you? Set worker = "your name" in the config file, or KEEPGOING_WORKER.')
        return me
    return None


@app.command(
    rich_help_panel="Every day",
    epilog=examples(
        "keepgoing due",
        "keepgoing due --within 3d --tag partner",
        "keepgoing due --mine   (your caseload in a team store)",
        "keepgoing due --team   (everyone's, with their key worker)",
        "keepgoing due --all   (everyone due, not just what fits the screen)",
        "keepgoing due --json",
    ),
)
def due(
    within: Annotated[
        str | None, typer.Option("--within", help="Also show who falls due in the next 3d, 1w, ...")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only people with this tag.", autocompletion=complete.tags)
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only the people you are key worker for, and your follow-ups.")
    ] = False,
    worker: Annotated[
        str | None, typer.Option("--worker", help="Only this worker's caseload and follow-ups.")
    ] = None,
    team: Annotated[
        bool, typer.Option("--team", help="Everyone's caseload, with each person's key worker.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, help="List this many people and follow-ups (the screen fits by default)."
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="List everyone due and every follow-up due.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Who is due a check-in (most overdue for their rhythm first), and follow-ups due."""
    from keepgoing.core.rhythm import due_list

    today = clock.local_today(clock.now())
    within_days = 0
    if within:
        from keepgoing.dates import parse_duration

        within_days = parse_duration(within, allow_zero=True)
    whose = caseload(mine, worker, team)
    store = open_store()
    if getattr(store, "team_worker", None) is not None:
        whose = caseload(mine, worker, team)  # in a team store, "mine" is the login role's
    if team:
        from keepgoing.storage.team import require_manager

        require_manager(store, "see everyone's due list (--team)")
    if all_ and limit is not None:
        raise UsageError("Choose one of --all and --limit.")
    # JSON and --all list everyone; --limit N lists N; the screen asks only for what could fit.
    wanted = limit
    if json_out or all_:
        wanted = None
    elif limit is None:
        from keepgoing.cli.render import due as screen

        wanted = screen.rows_wanted(screen.screen_lines())
    report = due_list(
        store,
        today=today,
        within_days=within_days,
        tag=tag,
        limit=wanted,
        worker=whose,
        follow_up_limit=wanted,
    )
    suggestion = everyone_command(within, tag, mine, worker, team)

    def draw(report: DueReport) -> None:
        _draw(
            report,
            store,
            today=today,
            listed=limit,
            fit_screen=limit is None and not all_,
            tag=tag,
            team=team,
            suggestion=suggestion,
        )

    emit(report, draw, json_out=json_out)


def _draw(
    report: DueReport,
    store: Store,
    *,
    today: date,
    listed: int | None,
    fit_screen: bool,
    tag: str | None,
    team: bool,
    suggestion: str,
) -> None:
    """The morning screen: what fits the terminal, or as many as were asked for (`listed`; None: all)."""
    from keepgoing.cli.render import console
    from keepgoing.cli.render import due as screen
    from keepgoing.core.person import count_people
    from keepgoing.core.rhythm import next_up

    if fit_screen:
        fit = screen.fit_rows(report, screen.screen_lines(), console().width)
    else:
        fit = screen.Fit(listed, listed)
    quiet = not report.people and not report.follow_ups
    screen.due_screen(
        report,
        fit=fit,
        suggestion=suggestion,
        tag=tag,
        team=team,
        nobody_here=quiet and count_people(store) == 0,
        location=store.location,
        upcoming=next_up(store, today=today) if not report.people else None,
    )


def everyone_command(within: str | None, tag: str | None, mine: bool, worker: str | None, team: bool) -> str:
    """The `keepgoing due ... --all` that lists everyone this screen left out."""
    from keepgoing.cli.output import quoted

    words = ["keepgoing", "due"]
    for option, value in (("--within", within), ("--tag", tag), ("--worker", worker)):
        if value is not None:
            words += [option, quoted(value)]
    words += ["--mine"] * mine + ["--team"] * team + ["--all"]
    return " ".join(words)
