"""log: record a conversation, straight after it happened."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli import prompts
from keepgoing.cli.output import emit_json, join_names, say, user, warn_withdrawn
from keepgoing.cli.program import DbOption, JsonOption, app, examples, open_store
from keepgoing.cli.prompts import ask, choose, confirm, interactive
from keepgoing.dates import When, describe_day, parse_when
from keepgoing.errors import UsageError
from keepgoing.storage import completion as complete


def _ask(store) -> tuple[list[str], str, str | None]:
    """Prompts for a conversation: who (settled first, so nothing typed is lost), how, and a note."""
    from keepgoing.core.channels import CHANNELS
    from keepgoing.core.matching import find_person
    from keepgoing.errors import Ambiguous

    names: list[str] = []
    while not names:
        who = ask("Who did you talk to? (several names: separate with commas)")
        for part in (p.strip() for p in who.split(",") if p.strip()):
            try:
                names.append(find_person(store, part, purpose="log").name)
            except Ambiguous as exc:
                chosen = choose(exc)
                if chosen is None:
                    raise
                names.append(chosen)
    via = ask("How?", choices=list(CHANNELS), default="phone")
    note = ask("Anything to note? (Enter to skip)", default="")
    return names, via, note or None


def _ask_more(today, *, wellbeing, feeling, follow_up, due_day):
    """After who, how and the note: wellbeing, a feeling and a follow-up, each skipped with Enter.

    A value that cannot be used is asked again (with why), never guessed; what was
    given on the command line is not asked.
    """
    from keepgoing.cli.output import warn
    from keepgoing.errors import BadInput

    while wellbeing is None:
        answer = ask(messages.ASK_WELLBEING, default="").strip()
        if not answer:
            break
        if answer in ("1", "2", "3", "4", "5"):
            wellbeing = int(answer)
        else:
            warn(messages.ASK_WELLBEING_AGAIN)
    if feeling is None:
        feeling = ask(messages.ASK_FEELING, default="").strip() or None
    if follow_up is None:
        follow_up = ask(messages.ASK_FOLLOW_UP, default="").strip() or None
        while follow_up and due_day is None:
            answer = ask(messages.ASK_FOLLOW_UP_DUE, default="").strip()
            if not answer:
                break
            try:
                due_day = parse_when(answer, today=today, prefer="future").day
            except BadInput as exc:
                warn(str(exc))
    return wellbeing, feeling, follow_up, due_day


@app.command(
    rich_help_panel="Every day",
    epilog=examples(
        'keepgoing log sam --via phone --note "Talked about the allotment"',
        'keepgoing log sam --via cuppa --follow-up "Send the minutes" --due friday',
        "keepgoing log Ann Bob --via cuppa --when yesterday --wellbeing 4",
        'keepgoing log "Jo Bloggs" --new --via text',
        'keepgoing log sam --no-answer --via phone --note "Rang twice, no voicemail"',
        'keepgoing log "Kerry Anne Walsh" --new --yes   (a new person, though Kerry-Ann Walsh is here)',
        'keepgoing log sam --note "Disclosed ..." --private   (only you and the managers see it)',
        'keepgoing log sam --wellbeing 2 --feeling tired --idea "A seed swap at the hub"',
        "keepgoing log --group walking --present Ann --present Bob --when yesterday",
        "keepgoing log   (on a terminal: asks who, how, what was said, wellbeing, feeling and a follow-up)",
    ),
)
def log(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Who you talked to: names, aliases or the start of either.",
            show_default=False,
            autocompletion=complete.people,
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            help="phone, video, email, text, cuppa or other. Default: how they prefer.",
            autocompletion=complete.channels,
        ),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--when", help='When it happened: today (default), yesterday, "3 days ago", 2026-11-20.'
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What you talked about.")] = None,
    wellbeing: Annotated[
        int | None,
        typer.Option("--wellbeing", min=1, max=5, help="How they said they were, 1 (low) to 5 (great)."),
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option("--follow-up", help="Something you promised to do, for the first person named."),
    ] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help='When the follow-up is due: friday, "in 2 weeks", 2026-12-01.'),
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="Add anyone not already known.")] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="With --new: add a name even when it is very like someone already here."
        ),
    ] = False,
    private: Annotated[
        bool,
        typer.Option(
            "--private", help="In a team store, only you and the managers see it (and its follow-up)."
        ),
    ] = False,
    feeling: Annotated[
        str | None, typer.Option("--feeling", help="How they said they were, in a word: tired, hopeful ...")
    ] = None,
    idea: Annotated[
        list[str] | None, typer.Option("--idea", help="An idea they shared (repeatable).")
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group", help="A session of this group; see --present.", autocompletion=complete.groups
        ),
    ] = None,
    present: Annotated[
        list[str] | None,
        typer.Option(
            "--present", help="With --group: who came (repeatable).", autocompletion=complete.people
        ),
    ] = None,
    no_answer: Annotated[
        bool,
        typer.Option(
            "--no-answer",
            "--tried",
            help="You tried but did not reach them: it is kept, and last contact and due day stay as they were.",
        ),
    ] = False,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record one conversation with one or more people (or, with --no-answer, a try)."""
    from keepgoing.core.channels import LABELS
    from keepgoing.core.conversations import log_conversation
    from keepgoing.settings import worker

    now = clock.now()
    today = clock.local_today(now)
    names = [*(names or []), *(present or [])]
    if present and not group:
        raise UsageError("--present goes with --group: which group's session was it?")
    moment = parse_when(when, today=today, prefer="past") if when else When(today)
    due_day = parse_when(due, today=today, prefer="future").day if due else None
    if not names and not interactive():
        raise UsageError("Who did you talk to? Give at least one name: keepgoing log NAME.")
    store = open_store(db, create=True)
    if not names:
        names, via, note = _ask(store)
        wellbeing, feeling, follow_up, due_day = _ask_more(
            today, wellbeing=wellbeing, feeling=feeling, follow_up=follow_up, due_day=due_day
        )
    from keepgoing.errors import CloseName

    def log_it(allow_close: bool):
        return log_conversation(
            store,
            names,
            via=via,
            occurred_at=moment.instant(now),
            time_given=moment.time_given,
            now=now,
            note=note,
            wellbeing=wellbeing,
            follow_up=follow_up,
            follow_up_due=due_day,
            create_missing=new,
            allow_close=allow_close,
            logged_by=worker(),
            feeling=feeling,
            ideas=idea,
            group=group,
            reached=not no_answer,
            private=private,
        )

    from keepgoing.errors import Ambiguous, NotFound

    if new and len(names) > 1:
        from keepgoing.cli import leftovers

        leftovers.check(store, names)  # before "at", "the" and "hub" become people
    try:
        try:
            logged = log_it(yes)
        except CloseName as close:
            if not prompts.can_ask():
                raise
            confirm(
                messages.CLOSE_NAME_QUESTION.format(typed=user(close.typed), known=user(close.known)), False
            )
            logged = log_it(True)
    except (NotFound, Ambiguous):
        from keepgoing.cli import leftovers

        leftovers.check(store, names)
        raise
    if json_out:
        data = {
            "conversation": logged.conversation.to_json(),
            "created": logged.created,
            "follow_up_id": logged.follow_up_id,
        }
        emit_json(data)
        return
    who = join_names([user(p.name) for p in logged.people])
    if no_answer:
        conversation = logged.conversation
        day = conversation.describe_when()
        say(messages.TRIED.format(who=who, via=conversation.via, day=day, id=conversation.id))
    else:
        say(
            messages.LOGGED.format(
                what=LABELS[logged.conversation.via],
                who=who,
                day=logged.conversation.describe_when(),
                id=logged.conversation.id,
            )
        )
    for typed, known in logged.matched:
        say(messages.MATCHED_KNOWN.format(typed=user(typed), name=user(known)))
    warn_withdrawn(logged.people, today)
    if logged.created:
        say(messages.NEW_PEOPLE.format(names=join_names([user(name) for name in logged.created])))
    for idea_id, text in zip(logged.idea_ids, idea or [], strict=False):
        say(messages.IDEA_ADDED.format(id=idea_id, name=user(logged.people[0].name), text=user(text)))
    if logged.drops:
        say(messages.DROP_NOTICED.format(who=", ".join(user(d) for d in logged.drops)))
    if logged.follow_up_id is not None:
        by = f", due {describe_day(logged.follow_up_due)}" if logged.follow_up_due else ""
        say(
            messages.FOLLOW_UP_ADDED.format(
                id=logged.follow_up_id, name=user(logged.people[0].name), due=by, text=user(follow_up)
            )
        )
