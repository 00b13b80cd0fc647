"""amend, unlog and followup: putting right what was logged by mistake."""

from datetime import date
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import name_and_text, number_or_add, words_after_add
from keepgoing.cli.endings import follow_up_line, measures_kept, say_cleanup_pending, say_drops
from keepgoing.cli.options import JsonOption, YesOption, emit, examples, open_store
from keepgoing.cli.output import join_names, say, user
from keepgoing.cli.prompts import confirm
from keepgoing.dates import parse_when
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete

PANEL = "Putting things right"
IdArgument = Annotated[
    int | None,
    typer.Argument(
        metavar="[ID]",
        help="The conversation's number (shown by log and show). Default: the last one you logged.",
        show_default=False,
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Change a conversation a colleague logged (your name is kept).")
]


def _describe(conversation) -> str:
    from keepgoing.core.channels import LABELS

    return messages.CONVERSATION_REF.format(
        id=conversation.id,
        what=LABELS[conversation.via],
        who=join_names([user(name) for name in conversation.people]) or "nobody",
        day=conversation.describe_when(),
    )


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        "keepgoing amend --when yesterday   (the last conversation you logged)",
        'keepgoing amend 12 --note "Talked about the allotment and the bus pass"',
        "keepgoing amend --wellbeing 2 --feeling tired",
        'keepgoing amend 12 --without "Sam Jones" --with "Sam Patel"',
        'keepgoing amend --follow-up "Send the minutes" --due friday',
        "keepgoing amend 12 --private   (only you and the managers see it, in a team store)",
        "keepgoing amend 12 --ons4 7,8,6,4   (give or correct the ONS wellbeing answers)",
        "keepgoing amend --measure calm5 4,3,4,5,2",
        'keepgoing amend 14 --reached --note "Rang back at teatime"   (a try that did reach them)',
    ),
)
def amend(
    conversation_id: IdArgument = None,
    when: Annotated[str | None, typer.Option("--when", help="The day (and time) it really happened.")] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via", help="phone, video, email, text, cuppa or other.", autocompletion=complete.channels
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help='The note, replaced ("" removes it).')] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option(
            "--with", help="Someone else who was there (repeatable).", autocompletion=complete.people
        ),
    ] = None,
    without: Annotated[
        list[str] | None,
        typer.Option(
            "--without",
            help="Someone who was not there after all (repeatable).",
            autocompletion=complete.people,
        ),
    ] = None,
    wellbeing: Annotated[
        int | None, typer.Option("--wellbeing", min=1, max=5, help="How they said they were, 1 to 5.")
    ] = None,
    feeling: Annotated[str | None, typer.Option("--feeling", help="How they were, in a word.")] = None,
    idea: Annotated[
        list[str] | None, typer.Option("--idea", help="An idea they shared (repeatable).")
    ] = None,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="Something you promised in that conversation.")
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="When the follow-up is due: friday, 2026-12-01.")
    ] = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private", help="Make it private: in a team store, only its writer and managers see it."
        ),
    ] = False,
    ons4: Annotated[
        str | None,
        typer.Option(
            "--ons4",
            metavar="A,B,C,D",
            help="The ONS wellbeing answers, each 0-10 (7,8,6,3), given or corrected. Alone, on a terminal: asks.",
        ),
    ] = None,
    measure: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--measure", metavar="NAME SCORES", help="A measure your organisation added, and its answers."
        ),
    ] = None,
    reached: Annotated[
        bool,
        typer.Option(
            "--reached",
            "--answered",
            help="A try logged with --no-answer did reach them after all: it becomes a conversation "
            "and counts as contact.",
        ),
    ] = False,
    force: ForceOption = False,
    json_out: JsonOption = False,
) -> None:
    """Correct a logged conversation, or add to it, without logging it twice."""
    from keepgoing.core.corrections import amend_conversation
    from keepgoing.settings import current_user

    now = clock.now()
    today = clock.local_today(now)
    typed = parse_when(when, today=today, prefer="past", dayfirst=dayfirst()) if when else None
    due_day = parse_when(due, today=today, prefer="future", dayfirst=dayfirst()).day if due else None
    store = open_store()
    from keepgoing.cli import measure_input

    measures = measure_input.given(store, ons4, measure) if ons4 is not None or measure else None
    done = amend_conversation(
        store,
        conversation_id,
        now=now,
        worker=current_user(),
        occurred_at=typed.instant(now) if typed else None,
        time_given=typed.time_given if typed else False,
        via=via,
        note=note,
        add_people=with_,
        remove_people=without,
        wellbeing=wellbeing,
        feeling=feeling,
        ideas=idea,
        follow_up=follow_up,
        follow_up_due=due_day,
        force=force,
        private=private,
        measures=measures,
        reached=reached,
    )
    measured = measures_kept(store, done.conversation.id, measures)

    def say_amended(done) -> None:
        if not done.changes:
            say(messages.AMEND_NOTHING.format(conversation=_describe(done.conversation)))
            return
        changes = ", ".join(user(c) for c in done.changes)
        say(messages.AMENDED.format(conversation=_describe(done.conversation), what=changes))
        say_drops(done.drops)
        if measures and done.conversation.people:
            measure_input.echo(store, measured, done.conversation.people[0])
        say_cleanup_pending(done.cleanup_pending)

    emit(
        done,
        say_amended,
        json_out=json_out,
        as_json=lambda done: {
            "conversation": done.conversation.to_json(),
            "changed": done.changes,
            "follow_up_id": done.follow_up_id,
            "idea_ids": done.idea_ids,
            "measures": measured,
        },
    )


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        "keepgoing unlog   (the last conversation you logged; asks first)",
        "keepgoing unlog 12 --yes",
    ),
)
def unlog(
    conversation_id: IdArgument = None,
    yes: YesOption = False,
    force: ForceOption = False,
) -> None:
    """Remove a conversation logged by mistake, with the follow-ups and ideas made in it."""
    from keepgoing.core.corrections import preview_unlog, unlog_conversation
    from keepgoing.settings import current_user

    store = open_store()
    by = current_user()
    plan = preview_unlog(store, conversation_id, worker=by, force=force)
    extras = _hanging(plan.follow_ups, plan.ideas)
    confirm(messages.UNLOG_QUESTION.format(conversation=_describe(plan.conversation), extras=extras), yes)
    done = unlog_conversation(store, plan.conversation.id, worker=by, force=force)
    say(
        messages.UNLOGGED.format(
            conversation=_describe(done.conversation), extras=_hanging(done.follow_ups, done.ideas)
        )
    )
    say_cleanup_pending(done.cleanup_pending)


def _hanging(follow_ups: int, ideas: int) -> str:
    from keepgoing.text import plural

    parts = [plural(n, word) for n, word in ((follow_ups, "follow-up"), (ideas, "idea")) if n]
    return f" and its {' and '.join(parts)}" if parts else ""


@app.command(
    rich_help_panel=PANEL,
    epilog=examples(
        'keepgoing followup add sam "Send the allotment map" --due friday   (not from a conversation)',
        'keepgoing followup add sam "Check in with the GP" --private   (only you and the managers see it)',
        'keepgoing followup 3 --due "next friday"',
        'keepgoing followup 3 --text "Send the minutes and the map"',
        "keepgoing followup 3 --for priya",
        "keepgoing followup 3 --cancel   (kept as cancelled)",
        "keepgoing followup 3 --reopen   (a done or cancelled one stands again)",
    ),
)
def followup(
    follow_up_id: Annotated[
        str,
        typer.Argument(
            metavar="ID|add",
            help="The follow-up's number; or add, then NAME and TEXT, for a new promise.",
            show_default=False,
            autocompletion=complete.follow_ups_or_add,
        ),
    ],
    words: Annotated[
        list[str] | None, words_after_add("With add: who it is for, and what you promised.")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="New words for it.")] = None,
    due: Annotated[
        str | None, typer.Option("--due", help='A new due day: friday, "in 2 weeks" ("none" removes it).')
    ] = None,
    for_: Annotated[
        str | None,
        typer.Option("--for", help="Whom it is for, if not who it says.", autocompletion=complete.people),
    ] = None,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="It no longer stands: kept as cancelled, never counted late.")
    ] = False,
    reopen: Annotated[
        bool, typer.Option("--reopen", help="A done or cancelled follow-up stands again.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Cancel a follow-up that is a colleague's.")] = False,
    private: Annotated[
        bool, typer.Option("--private", help="With add: in a team store, only you and the managers see it.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Add a follow-up for someone, or change one: reword, re-date, pass on, cancel or reopen it."""
    from keepgoing.core.followups import change_follow_up, promise, reopen_follow_up
    from keepgoing.errors import UsageError
    from keepgoing.settings import current_user

    now = clock.now()
    today = clock.local_today(now)
    number = number_or_add(follow_up_id, "followup")
    clear_due = due is not None and due.strip().lower() in ("none", "no", "never")
    due_day = (
        parse_when(due, today=today, prefer="future", dayfirst=dayfirst()).day
        if due and not clear_due
        else None
    )
    if number is None:
        if text is not None or for_ is not None or cancel or reopen or force or clear_due:
            raise UsageError(
                "keepgoing followup add takes a name, its words, --due and --private; nothing else."
            )
        name, words_given = name_and_text(words, "followup")
        added = promise(
            open_store(create=True),
            name,
            words_given,
            due_on=due_day,
            now=now,
            logged_by=current_user(),
            private=private,
        )
        _said_of(added, messages.FOLLOW_UP_ADDED, today, json_out=json_out)
        return
    if private:
        raise UsageError(
            "--private is for a new follow-up (keepgoing followup add NAME TEXT --private); "
            "a conversation's follow-up is private with its conversation (keepgoing amend ID --private)."
        )
    if words:
        raise UsageError(
            f"keepgoing followup {number} takes options only (--text, --due, --for, --cancel, --reopen)."
        )
    if reopen:
        if text is not None or due is not None or for_ is not None or cancel:
            raise UsageError("Reopen a follow-up on its own; change it afterwards.")
        reopened = reopen_follow_up(open_store(), number)
        _said_of(reopened, messages.FOLLOW_UP_REOPENED, today, json_out=json_out)
        return
    done = change_follow_up(
        open_store(),
        number,
        text=text,
        due_on=due_day,
        clear_due=clear_due,
        person=for_,
        cancel=cancel,
        worker=current_user(),
        force=force,
        now=now,
    )
    emit(
        done,
        _say_follow_up_changed,
        json_out=json_out,
        as_json=lambda done: {
            **done.follow_up.to_json(today),
            "cancelled": done.cancelled,
            "changed": done.changes,
        },
    )


def _say_follow_up_changed(done) -> None:
    f = done.follow_up
    if done.cancelled:
        say(messages.FOLLOW_UP_CANCELLED.format(id=f.id, text=user(f.text), name=user(f.person_label)))
        return
    if not done.changes:
        say(messages.FOLLOW_UP_UNCHANGED.format(id=f.id))
        return
    said = {"words": "words changed", "due day": "due day changed", "no due day": "due day removed"}
    what = ", ".join(said.get(c, f"now {user(c)}") for c in done.changes)  # "for Priya": now for Priya
    say(_follow_up_line(messages.FOLLOW_UP_CHANGED, f, what=what))


def _said_of(follow_up, message: str, today: date, *, json_out: bool) -> None:
    """A follow-up just made or reopened: its JSON, or the line naming it and its due day."""
    emit(
        follow_up,
        lambda follow_up: say(_follow_up_line(message, follow_up)),
        json_out=json_out,
        as_json=lambda follow_up: follow_up.to_json(today),
    )


def _follow_up_line(message: str, follow_up, **more: str) -> str:
    return follow_up_line(
        message,
        number=follow_up.id,
        person=follow_up.person_label,
        due_on=follow_up.due_on,
        text=follow_up.text,
        **more,
    )
