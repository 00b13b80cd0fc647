"""followups and done: the promises made in conversations."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.output import emit_json, say, user
from keepgoing.cli.program import DbOption, JsonOption, app, examples, open_store
from keepgoing.storage import completion as complete


@app.command(
    rich_help_panel="Every day", epilog=examples("keepgoing followups", "keepgoing followups --json")
)
def followups(json_out: JsonOption = False, db: DbOption = None) -> None:
    """Open follow-ups, soonest due first."""
    from keepgoing.core.followups import open_follow_ups

    today = clock.local_today(clock.now())
    store = open_store(db)
    found = open_follow_ups(store)
    if json_out:
        emit_json([f.to_json(today) for f in found])
        return
    from keepgoing.cli import render

    render.follow_ups_table(found, today, title="Open follow-ups", empty="No open follow-ups.")


@app.command(
    rich_help_panel="Every day",
    epilog=examples(
        "keepgoing done 3   (the number from keepgoing followups)",
        "keepgoing done 3 4 5",
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
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Mark one or more follow-ups as done (all of them, or none if a number is wrong)."""
    from keepgoing.core.followups import complete_follow_ups

    now = clock.now()
    finished = complete_follow_ups(open_store(db), follow_up_ids, now=now)
    if json_out:
        today = clock.local_today(now)
        emit_json([f.to_json(today) for f in finished])
        return
    for follow_up in finished:
        say(messages.DONE.format(id=follow_up.id, text=user(follow_up.text), name=user(follow_up.person)))
