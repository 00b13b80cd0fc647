"""How commands in more than one module end, written once, so that no command module calls another.

A group's card (`group show`, and `show` given a group), the lines after a
conversation is logged or amended, a follow-up's line and the JSON of a list
of results: each takes what the core returned; the words are in `keepgoing/messages.py`.
"""

from datetime import date
from typing import Any

from keepgoing import messages
from keepgoing.cli.options import emit, screens
from keepgoing.cli.output import say, user
from keepgoing.date_display import describe_day


def group_card(store: Any, name: str, *, json_out: bool) -> None:
    """A group's sessions, attendance and who stopped coming: `group show NAME`, and `show NAME` for a group."""
    from keepgoing.core.groups import group_detail

    emit(
        group_detail(store, name),
        lambda group: screens().group_card(group),
        json_out=json_out,
    )


def follow_up_line(
    message: str, *, number: int, person: str, due_on: date | None, text: str | None, **more: str
) -> str:
    """`message` (FOLLOW_UP_ADDED, ...) filled in for one follow-up: its number, whom it is for,
    its due day and its words (and `more` for a message that says more)."""
    due = f", due {describe_day(due_on)}" if due_on else ""
    return message.format(id=number, name=user(person), due=due, text=user(text), **more)


def measures_kept(store: Any, conversation_id: int, given: list | None) -> dict[str, dict[str, float]]:
    """The scores `log` or `amend` kept for the measures given with a conversation, as the core
    worked them out (for the JSON and the lines after it); {} when none were given."""
    if not given:
        return {}
    from keepgoing.core.measures import conversation_scores

    return conversation_scores(store, conversation_id)


def say_drops(drops: list[str]) -> None:
    """After a conversation is logged or amended: whose wellbeing it shows has dropped."""
    if drops:
        say(messages.DROP_NOTICED.format(who=", ".join(user(name) for name in drops)))


def say_cleanup_pending(owner: str | None) -> None:
    """After an erasure on a team store a worker may not finish: who owns the tables, whose next
    keepgoing command rewrites the server's old copies."""
    if owner:
        say(messages.CLEANUP_PENDING.format(owner=user(owner)))


def each_json(items: list[Any]) -> list[Any]:
    """`as_json` for a list of results that each know their JSON shape."""
    return [item.to_json() for item in items]
