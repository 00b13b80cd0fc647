"""merge: two records of one person become one, nothing lost."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument
from keepgoing.cli.options import JsonOption, YesOption, emit, examples, open_store
from keepgoing.cli.output import say, user
from keepgoing.cli.prompts import confirm
from keepgoing.errors import UsageError
from keepgoing.text import plural


@app.command(
    rich_help_panel="People",
    epilog=examples(
        'keepgoing merge "Kerry Anne Walsh" INTO "Kerry-Ann Walsh" --dry-run   (see what would move)',
        'keepgoing merge "Kerry Anne Walsh" INTO "Kerry-Ann Walsh"',
        "keepgoing merge kez into kerry --yes   (no question asked)",
    ),
)
def merge(
    name: Annotated[str, person_argument("The record to merge (it becomes an alias).")],
    into: Annotated[str, typer.Argument(help="The word INTO.", show_default=False, metavar="INTO")],
    kept: Annotated[str, person_argument("The person to keep.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would move; change nothing.")] = False,
    yes: YesOption = False,
    json_out: JsonOption = False,
) -> None:
    """Merge two records of one person: everything of the first moves to the second."""
    from keepgoing.core.matching import find_person
    from keepgoing.core.merging import merge_people, plan_merge
    from keepgoing.settings import current_user

    if into.casefold() != "into":
        raise UsageError(f'Say which to keep with INTO: keepgoing merge "{name}" INTO "{into}".')
    store = open_store()
    with store.read():
        plan = plan_merge(store, find_person(store, name), find_person(store, kept))
    if dry_run:
        emit(
            plan,
            lambda plan: _say_plan(plan, messages.MERGE_WOULD),
            json_out=json_out,
        )
        return
    confirm(
        messages.MERGE_QUESTION.format(merged=user(plan.merged.name), kept=user(plan.kept.name)),
        yes,
    )
    done = merge_people(store, name, kept, now=clock.now(), by=current_user())
    emit(
        done,
        lambda done: _say_plan(done, messages.MERGED),
        json_out=json_out,
    )


def _say_plan(plan, template: str) -> None:
    moved = [plural(n, word) for word, n in plan.moved.items() if n and word not in ("alias", "tag")]
    say(
        template.format(
            merged=user(plan.merged.name),
            kept=user(plan.kept.name),
            what=", ".join(moved) or "only their card",
        )
    )
    shared = [plural(n, word) for word, n in plan.shared.items() if n]
    if shared:
        say(messages.MERGE_SHARED.format(what=", ".join(shared)))
    if plan.filled:
        say(messages.MERGE_FILLED.format(what=", ".join(plan.filled)))
    if plan.set_aside:
        say(messages.MERGE_SET_ASIDE.format(notes=plural(len(plan.set_aside), "lasting note")))
