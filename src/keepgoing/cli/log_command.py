"""log: record a conversation, straight after it happened."""

from datetime import date
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli import prompts
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument
from keepgoing.cli.endings import follow_up_line, measures_kept, say_drops
from keepgoing.cli.options import JsonOption, emit, examples, open_store
from keepgoing.cli.output import join_names, say, user, warn_withdrawn
from keepgoing.cli.prompts import ask, choose, confirm, interactive
from keepgoing.errors import UsageError
from keepgoing.moment import When
from keepgoing.settings import dayfirst
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


def _scores(values: list[str], *, group: str | None) -> tuple[int | None, list[tuple[str, int]]]:
    """--wellbeing values: one bare score for everyone, or NAME=N each (a group session takes only those)."""
    one: int | None = None
    each: list[tuple[str, int]] = []
    for value in values:
        name, equals, number = value.rpartition("=")
        score = _score(number.strip() if equals else value.strip(), value)
        if equals:
            each.append((name, score))
        elif group:
            raise UsageError(messages.SESSION_ONE_SCORE.format(score=score))
        elif one is not None:
            raise UsageError(messages.TWO_SCORES)
        else:
            one = score
    return one, each


def _score(text: str, typed: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 5):
        raise UsageError(messages.BAD_SCORE.format(typed=user(typed)))
    return int(text)


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
                due_day = _read_when(answer, today, "future").day
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
        "keepgoing log sam --ons4 7,8,6,3   (the ONS wellbeing questions: satisfied, worthwhile, happy, anxious)",
        "keepgoing log sam --ons4 ask   (on a terminal: asks the four ONS questions; --ons4 alone, last, too)",
        "keepgoing log sam --measure calm5 4,3,4,5,2   (a measure your organisation added)",
        "keepgoing log --group walking --present Ann --present Bob --when yesterday",
        "keepgoing log --group walking --present Ann --visitor Dee --wellbeing ann=4 --wellbeing dee=3",
        'keepgoing log --group walking --present Ann --idea "A longer route" --idea-from ann',
        "keepgoing log   (on a terminal: asks who, how, what was said, wellbeing, feeling and a follow-up)",
    ),
)
def log(
    names: Annotated[
        list[str] | None, person_argument("Who you talked to: names, aliases or the start of either.")
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
        list[str] | None,
        typer.Option(
            "--wellbeing",
            help="How they said they were, 1 (low) to 5 (great); NAME=N for one person's own "
            "(repeatable; the only kind a group session takes).",
        ),
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
    visitor: Annotated[
        list[str] | None,
        typer.Option(
            "--visitor",
            help="With --group: someone who came but is not a member (repeatable); counted in attendance.",
            autocompletion=complete.people,
        ),
    ] = None,
    idea_from: Annotated[
        str | None,
        typer.Option(
            "--idea-from",
            help="Whose the --idea is: someone present (in a group session it is the group's otherwise).",
            autocompletion=complete.people,
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
    ons4: Annotated[
        str | None,
        typer.Option(
            "--ons4",
            metavar="A,B,C,D",
            help="The ONS wellbeing questions, each 0-10: life satisfaction, worthwhile, happiness, "
            "anxiety (7,8,6,3). Alone, or 'ask', on a terminal: asks them.",
        ),
    ] = None,
    measure: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--measure",
            metavar="NAME SCORES",
            help="A measure your organisation added (keepgoing measure list) and its answers in order "
            "(4,3,4,...); 'ask' for the answers asks its questions on a terminal.",
        ),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Record one conversation with one or more people (or, with --no-answer, a try)."""
    from keepgoing.core.conversations import log_conversation
    from keepgoing.settings import current_user

    now = clock.now()
    today = clock.local_today(now)
    names = [*(names or []), *(present or [])]
    _check_together(group=group, present=present, visitor=visitor, idea_from=idea_from, idea=idea)
    one_score, scores = _scores(wellbeing or [], group=group)
    if group and not names and visitor:
        names, visitor = [*visitor], []
    moment = _read_when(when, today, "past") if when else When(today)
    due_day = _read_when(due, today, "future").day if due else None
    if not names and not interactive():
        raise UsageError("Who did you talk to? Give at least one name: keepgoing log NAME.")
    store = open_store(create=True)
    if not names:
        names, via, note = _ask(store)
        one_score, feeling, follow_up, due_day = _ask_more(
            today, wellbeing=one_score, feeling=feeling, follow_up=follow_up, due_day=due_day
        )
    from keepgoing.cli import measure_input

    measures = measure_input.given(store, ons4, measure) if ons4 is not None or measure else None

    def log_it(allow_close: bool):
        return log_conversation(
            store,
            names,
            via=via,
            occurred_at=moment.instant(now),
            time_given=moment.time_given,
            now=now,
            note=note,
            wellbeing=one_score,
            scores=scores,
            visitors=visitor,
            idea_from=idea_from,
            follow_up=follow_up,
            follow_up_due=due_day,
            create_missing=new,
            allow_close=allow_close,
            logged_by=current_user(),
            feeling=feeling,
            ideas=idea,
            group=group,
            reached=not no_answer,
            private=private,
            measures=measures,
        )

    if new and len(names) > 1:
        from keepgoing.cli import leftovers

        leftovers.check(store, names)  # before "at", "the" and "hub" become people
    logged = _log_asking(store, names, log_it, sure=yes)
    measured = measures_kept(store, logged.conversation.id, measures)

    def say_all(logged) -> None:
        _say_logged(logged, reached=not no_answer)
        if measures:
            measure_input.echo(store, measured, logged.people[0].name)
        warn_withdrawn(logged.people)
        _say_made(logged, idea or [], follow_up)

    emit(
        logged,
        say_all,
        json_out=json_out,
        as_json=lambda logged: {
            "conversation": logged.conversation.to_json(),
            "created": logged.created,
            "follow_up_id": logged.follow_up_id,
            "measures": measured,
        },
    )


def _check_together(*, group, present, visitor, idea_from, idea) -> None:
    """Options that only make sense with another one."""
    if present and not group:
        raise UsageError("--present goes with --group: which group's session was it?")
    if visitor and not group:
        raise UsageError(messages.VISITOR_NEEDS_GROUP)
    if idea_from is not None and not idea:
        raise UsageError(messages.IDEA_FROM_NEEDS_IDEA)


def _log_asking(store, names: list[str], log_it, *, sure: bool):
    """Log it; a name very like someone already here is asked about on a terminal.

    A name that matches nobody, or several, is checked for words that belong
    together ("chris patel") before the error goes on.
    """
    from keepgoing.errors import Ambiguous, CloseName, NotFound

    try:
        try:
            return log_it(sure)
        except CloseName as close:
            if not prompts.can_ask():
                raise
            confirm(
                messages.CLOSE_NAME_QUESTION.format(typed=user(close.typed), known=user(close.known)), False
            )
            return log_it(True)
    except (NotFound, Ambiguous):
        from keepgoing.cli import leftovers

        leftovers.check(store, names)
        raise


def _say_logged(logged, *, reached: bool) -> None:
    """The line that says what was logged: a try, a group session, or a conversation."""
    from keepgoing.core.channels import LABELS

    conversation = logged.conversation
    who = join_names([user(p.label) for p in logged.people])
    day = conversation.describe_when()
    if not reached:
        say(messages.TRIED.format(who=who, via=conversation.via, day=day, id=conversation.id))
    elif conversation.group:
        what = LABELS[conversation.via]
        say(
            messages.LOGGED_SESSION.format(
                group=user(conversation.group),
                what=what,
                count=len(logged.people),
                who=who,
                day=day,
                id=conversation.id,
            )
        )
        if logged.visitors:
            say(messages.SESSION_VISITORS.format(names=join_names([user(n) for n in logged.visitors])))
    else:
        say(messages.LOGGED.format(what=LABELS[conversation.via], who=who, day=day, id=conversation.id))
    if logged.scores:
        say(
            messages.SESSION_SCORES.format(
                scores=", ".join(f"{user(name)} {score}" for name, score in logged.scores.items())
            )
        )
    for typed, known in logged.matched:
        say(messages.MATCHED_KNOWN.format(typed=user(typed), name=user(known)))


def _say_made(logged, ideas: list[str], follow_up: str | None) -> None:
    """What the conversation made: new people, ideas, a noticed drop, a follow-up."""
    if logged.created:
        say(messages.NEW_PEOPLE.format(names=join_names([user(name) for name in logged.created])))
    for idea_id, text in zip(logged.idea_ids, ideas, strict=False):
        say(messages.IDEA_ADDED.format(id=idea_id, name=user(logged.idea_by), text=user(text)))
    say_drops(logged.drops)
    if logged.follow_up_id is not None:
        line = follow_up_line(
            messages.FOLLOW_UP_ADDED,
            number=logged.follow_up_id,
            person=logged.people[0].label,
            due_on=logged.follow_up_due,
            text=follow_up,
        )
        say(line)


def _read_when(text: str, today: date, prefer: str) -> When:
    """A typed date in the user's date order; the parser loads only when a date was typed."""
    from keepgoing.dates import parse_when

    return parse_when(text, today=today, prefer=prefer, dayfirst=dayfirst())
