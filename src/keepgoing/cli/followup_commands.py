"""followups and done: the promises made in conversations."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.options import JsonOption, emit, examples, open_store, screens
from keepgoing.cli.output import say, user
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete


@app.command(
    rich_help_panel="Every day",
    epilog=examples(
        "keepgoing followups",
        "keepgoing followups --done   (done and cancelled, latest first)",
        "keepgoing followups --all --json",
    ),
)
def followups(
    done_: Annotated[
        bool, typer.Option("--done", help="Done and cancelled follow-ups instead, latest first.")
    ] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open ones, then done and cancelled ones.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Open follow-ups, soonest due first (--done, --all: the finished ones too)."""
    from keepgoing.core.followups import finished_follow_ups, open_follow_ups
    from keepgoing.errors import UsageError

    if done_ and all_:
        raise UsageError("Give --done or --all, not both (--all includes the done ones).")
    today = clock.local_today(clock.now())
    store = open_store()
    with store.read():
        still_open = [] if done_ else open_follow_ups(store)
        finished = finished_follow_ups(store) if done_ or all_ else []

    def draw(_: list) -> None:
        if not done_:
            screens().follow_ups_table(
                still_open, today, title="Open follow-ups", empty="No open follow-ups."
            )
        if done_ or all_:
            screens().finished_follow_ups(finished)

    emit(
        [*still_open, *finished],
        draw,
        json_out=json_out,
        as_json=lambda found: [f.to_json(today) for f in found],
    )


@app.command(
    rich_help_panel="Every day",
    epilog=examples(
        "keepgoing done 3   (the number from keepgoing followups)",
        "keepgoing done 3 4 5",
        "keepgoing done 3 --when yesterday   (on time if it was due by then)",
    ),
)
def done(
    follow_up_ids: Annotated[
        list[int],
        typer.Argument(
            metavar="ID...",
            help="The follow-ups' numbers.",
            show_default=False,
            autocompletion=complete.follow_ups,
        ),
    ],
    when: Annotated[
        str | None,
        typer.Option("--when", help='When it was done, if not now: yesterday, "last friday", 2026-11-18.'),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Mark one or more follow-ups as done (all of them, or none if a number is wrong)."""
    from keepgoing.core.followups import complete_follow_ups
    from keepgoing.date_display import describe_moment
    from keepgoing.dates import parse_when

    now = clock.now()
    today = clock.local_today(now)
    given = parse_when(when, today=today, prefer="past", dayfirst=dayfirst()) if when else None
    moment = given.instant(now) if given else None
    finished = complete_follow_ups(open_store(), follow_up_ids, now=now, when=moment)
    # With --when, each line says the day it was done too.
    day = describe_moment(moment, given.time_given) if given is not None and moment is not None else None

    def say_done(finished: list) -> None:
        for f in finished:
            words = {"id": f.id, "text": user(f.text), "name": user(f.person_label)}
            say(messages.DONE.format(**words) if day is None else messages.DONE_ON.format(**words, day=day))

    emit(finished, say_done, json_out=json_out, as_json=lambda finished: [f.to_json(today) for f in finished])
