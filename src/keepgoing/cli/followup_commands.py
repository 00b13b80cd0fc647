"""followups and done: the promises made in conversations."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.options import JsonOption, examples, open_store
from keepgoing.cli.output import emit_json, say, user
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
    if json_out:
        emit_json([f.to_json(today) for f in [*still_open, *finished]])
        return
    from keepgoing.cli import render

    if not done_:
        render.follow_ups_table(still_open, today, title="Open follow-ups", empty="No open follow-ups.")
    if done_ or all_:
        render.finished_follow_ups(finished)


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
    from keepgoing.dates import describe_moment, parse_when

    now = clock.now()
    today = clock.local_today(now)
    given = parse_when(when, today=today, prefer="past", dayfirst=dayfirst()) if when else None
    moment = given.instant(now) if given else None
    finished = complete_follow_ups(open_store(), follow_up_ids, now=now, when=moment)
    if json_out:
        emit_json([f.to_json(today) for f in finished])
        return
    for follow_up in finished:
        if given is None or moment is None:
            say(
                messages.DONE.format(
                    id=follow_up.id, text=user(follow_up.text), name=user(follow_up.person_label)
                )
            )
        else:
            day = describe_moment(moment, given.time_given)
            say(
                messages.DONE_ON.format(
                    id=follow_up.id, text=user(follow_up.text), name=user(follow_up.person_label), day=day
                )
            )
