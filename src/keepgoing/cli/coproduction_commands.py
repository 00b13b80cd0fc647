"""note, ideas, idea, group, win, wins, spread, snooze and jot: the co-production side."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument, words_after_add
from keepgoing.cli.endings import each_json
from keepgoing.cli.options import JsonOption, emit, examples, open_store, screens
from keepgoing.cli.output import join_names, say, user, warn_withdrawn
from keepgoing.cli.prompts import can_ask, confirm
from keepgoing.date_display import describe_day, describe_when
from keepgoing.dates import parse_duration, parse_when
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete

PANEL = "Connect, ask and listen"
GroupArgument = Annotated[
    str, typer.Argument(help="The group.", show_default=False, autocompletion=complete.groups)
]


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        'keepgoing note sam "Wants to lead the allotment tour; nervous about speaking"',
        'keepgoing note sam "Safeguarding plan agreed with the lead" --private   (only you and the managers)',
    ),
)
def note(
    name: Annotated[str, person_argument("Who the note is about.")],
    text: Annotated[str, typer.Argument(help="What matters to them, what drives them.", show_default=False)],
    private: Annotated[
        bool, typer.Option("--private", help="In a team store, only you and the managers see it.")
    ] = False,
) -> None:
    """Keep a lasting note on what matters to someone."""
    from keepgoing.core.notes import add_note
    from keepgoing.settings import current_user

    who, added = add_note(
        open_store(), name, text, now=clock.now(), logged_by=current_user(), private=private
    )
    say(messages.NOTE_ADDED.format(name=user(who), text=user(added.text)))
    if private:
        say(messages.NOTE_PRIVATE)


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        "keepgoing ideas",
        "keepgoing ideas --open --json",
        "keepgoing ideas --untold   (decided, and the person has not heard yet)",
    ),
)
def ideas(
    open_only: Annotated[bool, typer.Option("--open", help="Only ideas still open or in progress.")] = False,
    untold: Annotated[
        bool,
        typer.Option(
            "--untold", help="Only ideas with an outcome the person who raised it has not been told."
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Ideas people shared, who raised them, and what became of them."""
    from keepgoing.core.ideas import list_ideas
    from keepgoing.errors import UsageError

    if open_only and untold:
        raise UsageError(messages.IDEAS_OPEN_OR_UNTOLD)
    found = list_ideas(open_store(), open_only=open_only, untold=untold)
    empty = messages.NO_UNTOLD_IDEAS if untold else messages.NO_IDEAS
    emit(found, lambda ideas: screens().ideas_table(ideas, empty=empty), json_out=json_out, as_json=each_json)


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        'keepgoing idea add sam "A seed swap at the hub"   (not from a conversation)',
        'keepgoing idea 3 --status taken-up --note "Running it in spring with the council"',
        "keepgoing idea 4 --status parked",
        "keepgoing idea 3 --told   (Sam heard what became of it)",
        'keepgoing idea 4 --status not-taken-up --told --when "last friday"',
    ),
)
def idea(
    idea_id: Annotated[
        str,
        typer.Argument(
            metavar="ID|add",
            help="The idea's number; or add, then NAME and TEXT, for a new one.",
            show_default=False,
        ),
    ],
    words: Annotated[list[str] | None, words_after_add("With add: who shared it, and the idea.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="open, in-progress, taken-up, parked or not-taken-up.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What became of it.")] = None,
    told: Annotated[
        bool, typer.Option("--told", help="The person who raised it was told what became of it.")
    ] = False,
    when: Annotated[
        str | None,
        typer.Option("--when", help="With --told: when they were told, if not now: yesterday, 2026-11-18."),
    ] = None,
) -> None:
    """Note an idea someone shared, or record what became of one (and that they were told)."""
    from keepgoing.cli.arguments import name_and_text, number_or_add
    from keepgoing.core.ideas import idea_from, update_idea
    from keepgoing.errors import UsageError

    number = number_or_add(idea_id, "idea")
    if when is not None and not told:
        raise UsageError(messages.IDEA_WHEN_NEEDS_TOLD)
    if number is None:
        if status is not None or note is not None or told:
            raise UsageError("keepgoing idea add takes a name and the idea; give --status afterwards.")
        name, text = name_and_text(words, "idea")
        who, new_id, kept = idea_from(open_store(), name, text, now=clock.now())
        say(messages.IDEA_ADDED.format(id=new_id, name=user(who), text=user(kept)))
        return
    if words:
        raise UsageError(f"keepgoing idea {number} takes options only (--status, --note, --told).")
    now = clock.now()
    told_at = None
    if when is not None:
        from keepgoing.dates import parse_when

        told_at = parse_when(when, today=clock.local_today(now), prefer="past", dayfirst=dayfirst()).instant(
            now
        )
    if told:
        from keepgoing.settings import current_user

        told_by = current_user()
    else:
        told_by = None
    updated, changed = update_idea(
        open_store(),
        number,
        status=status,
        outcome=note,
        now=now,
        told=told,
        told_at=told_at,
        told_by=told_by,
    )
    if not changed:
        say(messages.IDEA_UNCHANGED.format(id=updated.id, name=user(updated.raised_by)))
        return
    said = {
        "status": f"is now {updated.status}",
        "outcome": "has a new note on what became of it" if updated.outcome else "has no note any more",
        "told": messages.IDEA_TOLD.format(
            day=describe_day(updated.told_at.astimezone().date()) if updated.told_at else ""
        ),
        "untold": messages.IDEA_TOLD_AGAIN,
    }
    what = " and ".join(said[c] for c in changed)
    say(messages.IDEA_UPDATED.format(id=updated.id, name=user(updated.raised_by), what=what))


group_app = typer.Typer(
    help="Groups that meet, their members and their sessions.",
    no_args_is_help=True,
    epilog=examples(
        'keepgoing group add "Tuesday walking group" --every weekly --member Ann',
        "keepgoing group join walking Bob",
        "keepgoing log --group walking --present Ann --present Bob",
        "keepgoing group show walking   (attendance, and who has stopped coming)",
    ),
)
app.add_typer(group_app, name="group", rich_help_panel=PANEL)


@group_app.command(
    "add",
    epilog=examples(
        'keepgoing group add "Tuesday walking group" --every weekly --member Ann --member Bob',
        'keepgoing group add "Carers online" --every fortnightly --via video',
    ),
)
def group_add(
    name: Annotated[str, typer.Argument(help="The group's name.", show_default=False)],
    every: Annotated[
        str | None, typer.Option("--every", help="How often it meets: weekly, fortnightly ...")
    ] = None,
    member: Annotated[
        list[str] | None,
        typer.Option("--member", help="A member (repeatable).", autocompletion=complete.people),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            help="How it meets: cuppa (in person, the default), video, phone ...",
            autocompletion=complete.channels,
        ),
    ] = None,
) -> None:
    """Add a group."""
    from keepgoing.core.groups import add_group

    cadence = parse_duration(every) if every else None
    store = open_store(create=True)
    group = add_group(store, name, now=clock.now(), cadence_days=cadence, members=member, via=via)
    members = f" with {join_names(group.members)}" if group.members else ""
    say(messages.GROUP_ADDED.format(name=user(group.name), members=members))


@group_app.command("join", epilog=examples('keepgoing group join walking "Cy Twombly" Dee'))
def groupjoin_names(
    group: GroupArgument,
    names: Annotated[list[str], person_argument("Who joins.")],
) -> None:
    """Add members to a group."""
    from keepgoing.core.groups import join_group

    added = join_group(open_store(), group, names, now=clock.now())
    template = messages.JOINED if added else messages.NOBODY_NEW_JOINED
    say(template.format(names=join_names(added), group=user(group)))


@group_app.command("leave", epilog=examples("keepgoing group leave walking Dee"))
def group_leave(
    group: GroupArgument,
    names: Annotated[list[str], person_argument("Who leaves.")],
) -> None:
    """Remove members from a group (their attendance history is kept)."""
    from keepgoing.core.groups import leave_group

    removed = leave_group(open_store(), group, names)
    say(messages.LEFT.format(names=join_names(removed), group=user(group)))


@group_app.command("list", epilog=examples("keepgoing group list", "keepgoing group list --json"))
def group_list(json_out: JsonOption = False) -> None:
    """All groups and their members."""
    from keepgoing.core.groups import list_groups

    emit(
        list_groups(open_store()),
        lambda groups: screens().groups_table(groups),
        json_out=json_out,
        as_json=lambda groups: [
            {"id": g.id, "name": g.name, "cadence_days": g.cadence_days, "members": g.members} for g in groups
        ],
    )


@group_app.command(
    "show", epilog=examples("keepgoing group show walking", "keepgoing group show walking --json")
)
def group_show(
    group: GroupArgument,
    json_out: JsonOption = False,
) -> None:
    """A group's sessions, attendance over time, and who has stopped coming."""
    from keepgoing.cli.endings import group_card

    group_card(open_store(), group, json_out=json_out)


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        'keepgoing win "Ann led the walk for the first time" --with Ann',
        'keepgoing win "Council agreed to fund the hub" --group walking',
    ),
)
def win(
    text: Annotated[str, typer.Argument(help="The win, in a few words.", show_default=False)],
    with_: Annotated[
        list[str] | None,
        typer.Option("--with", help="Who it was with (repeatable).", autocompletion=complete.people),
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", help="The group it belongs to.", autocompletion=complete.groups)
    ] = None,
    when: Annotated[str | None, typer.Option("--when", help="When it happened (default: today).")] = None,
) -> None:
    """Celebrate a small win."""
    from keepgoing.core.wins import add_win
    from keepgoing.settings import current_user

    now = clock.now()
    moment = (
        parse_when(when, today=clock.local_today(now), dayfirst=dayfirst()).instant(now) if when else None
    )
    store = open_store(create=True)
    added = add_win(store, text, now=now, when=moment, people=with_, group=group, logged_by=current_user())
    who = f" (with {join_names([user(n) for n in added.people])})" if added.people else ""
    say(messages.WIN_ADDED.format(text=user(added.text), who=who))
    warn_withdrawn(added.records)


@app.command(
    rich_help_panel=PANEL, epilog=examples("keepgoing wins", "keepgoing wins --since 2026-09-01 --json")
)
def wins(
    since: Annotated[str | None, typer.Option("--since", help="From this day (default: everything).")] = None,
    json_out: JsonOption = False,
) -> None:
    """Look back on the small wins."""
    from keepgoing.clock import start_of_day
    from keepgoing.core.wins import list_wins

    today = clock.local_today(clock.now())
    found = list_wins(
        open_store(),
        since=start_of_day(parse_when(since, today=today, prefer="either", dayfirst=dayfirst()).day)
        if since
        else None,
    )
    emit(found, lambda wins: screens().wins_view(wins), json_out=json_out, as_json=each_json)


@app.command(
    rich_help_panel=PANEL,
    epilog=examples("keepgoing spread --over 2w", "keepgoing spread --over 10d --dry-run --json"),
)
def spread(
    over: Annotated[str, typer.Option("--over", help="Over how long: 1w, 2w, 10d ...", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Stagger a backlog of check-ins into a realistic plan: a few a day."""
    from keepgoing.core.rhythm import spread_plan

    days = parse_duration(over)
    plan = spread_plan(open_store(), over_days=days, today=clock.local_today(clock.now()), apply=not dry_run)
    emit(
        plan,
        lambda plan: _say_spread(plan, days=days, dry_run=dry_run),
        json_out=json_out,
        as_json=lambda plan: [
            {"id": p.id, "name": p.name, "days_overdue": p.days_overdue, "due_on": p.due_on.isoformat()}
            for p in plan
        ],
    )


def _say_spread(plan: list, *, days: int, dry_run: bool) -> None:
    """The plan's first 20 check-ins, a line each, after how many a day it makes."""
    if not plan:
        say(messages.SPREAD_NOTHING)
        return
    per_day = -(-len(plan) // days)
    template = messages.SPREAD_PREVIEW if dry_run else messages.SPREAD_DONE
    from keepgoing.text import plural

    say(template.format(count=plural(len(plan), "check-in"), days=plural(days, "day"), per_day=per_day))
    for item in plan[:20]:
        say(messages.SPREAD_LINE.format(day=describe_day(item.due_on), name=user(item.name)))
    if len(plan) > 20:
        say(messages.AND_MORE.format(count=len(plan) - 20))


@app.command(
    rich_help_panel=PANEL,
    epilog=examples("keepgoing snooze sam 3d", "keepgoing snooze sam 2w", "keepgoing snooze sam tuesday"),
)
def snooze(
    name: Annotated[str, person_argument("Who to put off.")],
    duration: Annotated[
        str,
        typer.Argument(
            metavar="DURATION|DAY",
            help="For how long (3d, 1w ...) or until when (tuesday).",
            show_default=False,
        ),
    ],
) -> None:
    """Put one person off for a few days, or until a day."""
    from keepgoing.core.rhythm import snooze_person
    from keepgoing.errors import BadInput

    today = clock.local_today(clock.now())
    try:
        days = parse_duration(duration)
    except BadInput:
        days = _days_until(duration, today)
    who, day = snooze_person(open_store(), name, days=days, today=today)
    say(messages.SNOOZED.format(name=user(who), day=describe_day(day)))


def _days_until(typed: str, today) -> int:
    """ "tuesday", "the 23rd": how many days from today to that day, which must be ahead."""
    from keepgoing.errors import BadInput

    try:
        day = parse_when(typed, today=today, prefer="future", dayfirst=dayfirst()).day
    except BadInput as exc:
        if not str(exc).startswith("Could not read"):
            raise  # a day, but not one to use: "the 2nd would be next year ..."
        raise BadInput(messages.SNOOZE_UNREAD.format(typed=typed)) from None
    if day <= today:
        raise BadInput(messages.SNOOZE_NOT_AHEAD.format(typed=typed))
    return (day - today).days


def _ask_which(word: str, names: list[str]) -> str:
    """On a terminal, a word that could be several people is asked about; Enter stops."""
    from keepgoing.cli.prompts import pick

    chosen = pick(word, names)
    if chosen is None:
        raise typer.Abort()
    return chosen


@app.command(
    rich_help_panel="Every day",
    epilog=examples(
        'keepgoing jot "cuppa with Sam and Priya at the hub yesterday, talked about the allotment"',
        'keepgoing jot "rang Ann on monday about the walk" --yes',
        'keepgoing jot "rang Kev this morning, no answer" --yes   (a try: the rhythm stays as it was)',
        'keepgoing jot "phoned Kev, left a message" --no-answer',
    ),
)
def jot(
    text: Annotated[str, typer.Argument(help="What happened, in your own words.", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Log it without asking.")] = False,
    no_answer: Annotated[
        bool,
        typer.Option(
            "--no-answer",
            "--tried",
            help='You tried but did not reach them (also understood from "no answer" in the sentence).',
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Log a conversation from a sentence: finds the names, the channel and the day."""
    from keepgoing.core.channels import LABELS
    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.jot_parser import understand
    from keepgoing.settings import current_user

    now = clock.now()
    today = clock.local_today(now)
    store = open_store(create=True)
    heard = understand(
        store, text, today=today, dayfirst=dayfirst(), choose=_ask_which if can_ask() else None
    )
    tried = no_answer or heard.tried
    summary = (messages.JOT_UNDERSTOOD_TRY if tried else messages.JOT_UNDERSTOOD).format(
        what=LABELS[heard.via],
        via=heard.via,
        who=join_names([user(name) for name in heard.names]),
        day=describe_when(heard.when.day, heard.when.time),
    )
    confirm(
        summary + " Log it?",
        yes,
        default=True,
        off_terminal=f"{summary} Add --yes to log it when not at a terminal.",
    )
    logged = log_conversation(
        store,
        heard.names,
        via=heard.via,
        occurred_at=heard.when.instant(now),
        time_given=heard.when.time_given,
        now=now,
        note=heard.note,
        logged_by=current_user(),
        reached=not tried,
    )
    emit(
        logged,
        lambda logged: _say_jotted(logged, what=LABELS[heard.via], tried=tried),
        json_out=json_out,
        as_json=lambda logged: {"conversation": logged.conversation.to_json()},
    )


def _say_jotted(logged, *, what: str, tried: bool) -> None:
    """The line saying what the sentence logged (a try, or a conversation), and who asked not to be contacted."""
    who = join_names([user(p.name) for p in logged.people])
    day, number = logged.conversation.describe_when(), logged.conversation.id
    if tried:
        say(messages.TRIED.format(who=who, via=logged.conversation.via, day=day, id=number))
    else:
        say(messages.LOGGED.format(what=what, who=who, day=day, id=number))
    warn_withdrawn(logged.people)
