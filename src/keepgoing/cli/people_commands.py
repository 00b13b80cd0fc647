"""add, people, show, edit, pause, resume, archive."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument
from keepgoing.cli.options import JsonOption, emit, examples, open_store, screens
from keepgoing.cli.output import say, user, warn
from keepgoing.cli.prompts import interactive
from keepgoing.date_display import describe_day, describe_rhythm
from keepgoing.errors import NotFound, UsageError
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete

# Consent options, shared by add and edit.
ConsentOption = Annotated[str | None, typer.Option("--consent", help="given or withdrawn.")]
ConsentReviewOption = Annotated[
    str | None, typer.Option("--consent-review", help="When to check their consent again.")
]
ConsentChannelsOption = Annotated[
    str | None, typer.Option("--consent-channels", help="How they agreed to be contacted: text,phone ...")
]
ConsentNoteOption = Annotated[
    str | None, typer.Option("--consent-note", help='Their terms, e.g. "text first, weekdays only".')
]
WorkerOption = Annotated[
    str | None, typer.Option("--worker", help="Their key worker in a team store (edit: empty clears).")
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", help="A tag such as partner or walking-group (repeatable).", autocompletion=complete.tags
    ),
]


@app.command(
    rich_help_panel="People",
    epilog=examples(
        'keepgoing add "Sam Okafor" --every 2w --prefers phone --tag partner',
        'keepgoing add "Priya Shah" --org "Food bank" --alias Pri --email priya@example.org',
        'keepgoing add "John Smith" --org "Food bank" --yes   (another John Smith: both then show their organisation)',
    ),
)
def add(
    name: Annotated[str, typer.Argument(help="Their name, as you would say it.", show_default=False)],
    org: Annotated[str | None, typer.Option("--org", help="Their organisation or group.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Their role.")] = None,
    tag: TagOption = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            "--rhythm",
            help="Check-in rhythm: 10d, 2w, 1m, weekly, fortnightly, monthly. Default monthly.",
        ),
    ] = None,
    prefers: Annotated[
        str | None,
        typer.Option(
            "--prefers",
            help="How they like to be contacted: phone, video, email, text, cuppa.",
            autocompletion=complete.channels,
        ),
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", "--mobile", help="Phone number.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Email address.")] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name they go by (repeatable).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What matters to them.")] = None,
    consent: ConsentOption = None,
    consent_review: ConsentReviewOption = None,
    consent_channels: ConsentChannelsOption = None,
    consent_note: ConsentNoteOption = None,
    worker: WorkerOption = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Add them even though someone of the same name (give --org) or a very like name is here.",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Add a person to keep in touch with."""
    from keepgoing.cli import prompts
    from keepgoing.core.people import add_person
    from keepgoing.errors import CloseName, SameName
    from keepgoing.settings import current_user

    now = clock.now()
    from keepgoing.dates import parse_duration  # show and people read no typed date: not loaded for them

    cadence = parse_duration(every) if every else None
    consent_given = _consent(now, consent, consent_review, consent_channels, consent_note)
    store = open_store(create=True)

    def add_them(same_name: bool, allow_close: bool):
        return add_person(
            store,
            name,
            now=now,
            organisation=org,
            role=role,
            tags=tag,
            cadence_days=cadence,
            prefers=prefers,
            phone=phone,
            email=email,
            aliases=alias,
            note=note,
            consent=consent_given,
            worker=worker if worker is not None else getattr(store, "team_worker", None),
            by=current_user(),
            same_name=same_name,
            check_close=not allow_close,
        )

    try:
        person = add_them(yes, yes)
    except SameName as same:
        if not prompts.can_ask():
            raise
        prompts.confirm(
            messages.SAME_NAME_QUESTION.format(
                shown=" and ".join(user(s) for s in same.shown), org=user(org or "")
            ),
            False,
        )
        person = add_them(True, True)
    except CloseName as close:
        if not prompts.can_ask():
            raise
        prompts.confirm(
            messages.CLOSE_NAME_QUESTION.format(typed=user(close.typed), known=user(close.known)), False
        )
        person = add_them(False, True)
    from keepgoing.core.matching import lookalike

    twin = lookalike(store, person.name)
    if twin:
        warn(messages.LOOKALIKE.format(name=user(person.name), twin=user(twin)))
    emit(person, _say_added, json_out=json_out, as_json=lambda person: person.to_json(clock.local_today(now)))


def _say_added(person) -> None:
    how = f", by {person.prefers}" if person.prefers else ""
    say(
        messages.ADDED.format(
            name=user(person.label),
            rhythm=describe_rhythm(person.cadence_days),
            how=how,
            next=_next(person, "first due"),
        )
    )


def _consent(now, consent, review, channels, note):
    """The consent fields given on the command line, checked, ready for the core."""
    from keepgoing.core.person_fields import consent_fields

    today = clock.local_today(now)
    from keepgoing.dates import parse_when  # show and people read no typed date: not loaded for them

    review_on = parse_when(review, today=today, prefer="future", dayfirst=dayfirst()).day if review else None
    return consent_fields(consent=consent, channels=channels, note=note, review_on=review_on, today=today)


@app.command(
    rich_help_panel="People",
    epilog=examples(
        "keepgoing people",
        "keepgoing people --tag partner --json",
        "keepgoing people --worker priya",
        "keepgoing people --limit 20",
    ),
)
def people(
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only people with this tag.", autocompletion=complete.tags)
    ] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", help="Only the people this worker is key worker for.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include archived people.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first N, by name (JSON too).")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the people you keep in touch with."""
    from keepgoing.core.people import count_listed, list_people
    from keepgoing.core.person import count_people

    today = clock.local_today(clock.now())
    store = open_store()
    found = list_people(store, tag=tag, include_archived=all_, worker=worker, limit=limit)

    def draw(found: list) -> None:
        if not found and count_people(store) == 0:
            screens().welcome(store.location)
            return
        total = len(found)
        if limit is not None and total == limit:  # the table says how many there are in all
            total = count_listed(store, tag=tag, include_archived=all_, worker=worker)
        screens().people_table(found, today, tag=tag, total=total)

    emit(found, draw, json_out=json_out, as_json=lambda found: [person.to_json(today) for person in found])


@app.command(
    rich_help_panel="People",
    epilog=examples(
        "keepgoing show sam",
        'keepgoing show "Sam Okafor" --json',
        "keepgoing show sam --monitoring   (their equality monitoring too)",
    ),
)
def show(
    name: Annotated[str, person_argument("Name, alias, or the start of either.")],
    all_: Annotated[
        bool, typer.Option("--all", help="Show every conversation, not just the latest 20.")
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page a long timeline (KEEPGOING_PAGER or PAGER pick one)."),
    ] = False,
    monitoring: Annotated[
        bool,
        typer.Option("--monitoring", help="Also show their equality monitoring (special category data)."),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """One person's card and their timeline, newest first."""
    from keepgoing.core.conversations import conversations_with, count_conversations
    from keepgoing.core.followups import follow_ups_for
    from keepgoing.core.matching import find_person

    today = clock.local_today(clock.now())
    store = open_store()
    try:
        person = find_person(store, name)
    except NotFound as missing:
        # Not a person: perhaps a group ("show walking" shows the walking group).
        from keepgoing.core.groups import find_group

        try:
            find_group(store, name)
        except NotFound:
            raise missing from None
        from keepgoing.cli.endings import group_card

        group_card(store, name, json_out=json_out)
        return
    from keepgoing.core.ideas import list_ideas
    from keepgoing.core.measures import latest_scores
    from keepgoing.core.notes import notes_for
    from keepgoing.core.wellbeing import recent_scores

    with store.read():
        card = _Card(  # read in this order: damaged dates are reported in the order they are met
            person,
            notes=notes_for(store, person.id),
            ideas=list_ideas(store, person_id=person.id),
            wellbeing=[score.wellbeing for score in recent_scores(store, person.id)],
            conversations=conversations_with(store, person.id, limit=None if (all_ or json_out) else 20),
            total=count_conversations(store, person.id),
            follow_ups=follow_ups_for(store, person.id),
            measures=latest_scores(store, person.id),
        )
        if monitoring:
            from keepgoing.core.monitoring import monitoring_for

            card.equality = monitoring_for(store, person.id)
    from keepgoing.core.audit import record

    record(store, "show monitoring" if monitoring else "show", person_id=person.id)
    emit(
        card,
        lambda card: _draw_card(card, today, page=not no_pager),
        json_out=json_out,
        as_json=lambda card: card.to_json(today),
    )


@dataclass
class _Card:
    """What `show` shows of one person: their card, their timeline and what hangs off them."""

    person: Any
    conversations: list
    total: int  # conversations in all, when `conversations` are only the latest
    follow_ups: list
    notes: list
    ideas: list
    wellbeing: list[int]
    measures: list
    equality: Any = None  # their equality monitoring, only with --monitoring

    def to_json(self, today) -> dict[str, Any]:
        data = self.person.to_json(today)
        data["conversations"] = [c.to_json(exclude=self.person.name) for c in self.conversations]
        data["follow_ups"] = [f.to_json(today) for f in self.follow_ups]
        data["notes"] = [n.to_json() for n in self.notes]
        data["ideas"] = [i.to_json() for i in self.ideas]
        data["wellbeing_trend"] = self.wellbeing
        data["measures"] = [latest.to_json() for latest in self.measures]
        if self.equality is not None:
            data["monitoring"] = self.equality.to_json()
        return data


def _draw_card(card: _Card, today, *, page: bool) -> None:
    """The card and timeline, through the pager when it is long and stdout is a terminal."""
    from keepgoing.cli.output import to_terminal

    render = screens()
    with render.paged(to_terminal() and page):
        render.person_card(
            card.person,
            card.conversations,
            card.total,
            card.follow_ups,
            today,
            notes=card.notes,
            ideas=card.ideas,
            wellbeing=card.wellbeing,
            measures=card.measures,
        )
        if card.equality is not None:
            render.monitoring_block(card.equality)


@app.command(
    rich_help_panel="People",
    epilog=examples(
        "keepgoing edit sam --every weekly --tag walking",
        'keepgoing edit sam --org ""   (an empty value clears it)',
        'keepgoing edit sam --name "Sam Okafor-Jones" --alias Sammy',
        "keepgoing edit sam --worker priya   (their key worker in a team store)",
        'keepgoing edit "Jon Smith" --name "John Smith" --org Tenants --yes   (another John Smith is here)',
        "keepgoing edit jo sam pat --worker priya   (several people: --worker only)",
        "keepgoing edit --tag carers --worker priya   (everyone tagged carers)",
    ),
)
def edit(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="NAME...",
            help="Who to change (several people only with --worker).",
            show_default=False,
            autocompletion=complete.people,
        ),
    ] = None,
    new_name: Annotated[str | None, typer.Option("--name", help="Their new name.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Organisation (empty clears).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Role (empty clears).")] = None,
    tag: TagOption = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).")] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Add an alias (repeatable).")] = None,
    unalias: Annotated[
        list[str] | None, typer.Option("--unalias", help="Remove an alias (repeatable).")
    ] = None,
    every: Annotated[str | None, typer.Option("--every", "--rhythm", help="New check-in rhythm.")] = None,
    prefers: Annotated[
        str | None,
        typer.Option("--prefers", help="Preferred channel (empty clears).", autocompletion=complete.channels),
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", "--mobile", help="Phone (empty clears).")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Email (empty clears).")] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What matters to them (replaces; empty clears).")
    ] = None,
    consent: ConsentOption = None,
    consent_review: ConsentReviewOption = None,
    consent_channels: ConsentChannelsOption = None,
    consent_note: ConsentNoteOption = None,
    worker: WorkerOption = None,
    new_worker: Annotated[
        bool, typer.Option("--new-worker", help="With --worker: a worker this store does not know yet.")
    ] = False,
    if_version: Annotated[
        int | None,
        typer.Option(
            "--if-version",
            help="Save only if nobody has changed them since this version (see show --json).",
        ),
    ] = None,
    form: Annotated[
        bool,
        typer.Option("--form", help="Edit all their details in your text editor ($EDITOR) instead."),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="With --name: rename them even though someone else has that name (give --org).",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Change someone's details, tags, aliases, rhythm or key worker.

    With no options on a terminal (or with --form), their details open in
    your text editor; if a colleague saves a change to them before you do,
    yours is refused rather than written over theirs.
    """
    from keepgoing.core.people import edit_person
    from keepgoing.settings import current_user

    now = clock.now()
    options: tuple[Any, ...] = (
        new_name,
        org,
        role,
        tag,
        untag,
        alias,
        unalias,
        every,
        prefers,
        phone,
        email,
        note,
    )
    options += (consent, consent_review, consent_channels, consent_note, worker)
    if len(names or []) != 1:
        others: tuple[Any, ...] = (new_name, org, role, untag, alias, unalias, every, prefers, phone, email)
        others += (note, consent, consent_review, consent_channels, consent_note)
        _edit_several(
            names or [],
            any(v is not None for v in others) or form or if_version is not None,
            tag=tag,
            worker=worker,
            new_worker=new_worker,
            now=now,
            json_out=json_out,
        )
        return
    name = (names or [""])[0]
    if form or (all(v is None for v in options) and interactive()):
        if any(v is not None for v in options):
            raise UsageError("--form edits everything in one go; leave out the other options.")
        _edit_with_form(name, now=now, if_version=if_version, json_out=json_out)
        return
    from keepgoing.dates import parse_duration  # show and people read no typed date: not loaded for them

    cadence = parse_duration(every) if every else None
    consent_given = _consent(now, consent, consent_review, consent_channels, consent_note)
    store = open_store()
    from keepgoing.cli import prompts
    from keepgoing.errors import SameName

    def edit_them(same_name: bool):
        return edit_person(
            store,
            name,
            now=now,
            name=new_name,
            organisation=org,
            role=role,
            phone=phone,
            email=email,
            prefers=prefers,
            note=note,
            cadence_days=cadence,
            add_tags=tag,
            remove_tags=untag,
            add_aliases=alias,
            remove_aliases=unalias,
            consent=consent_given,
            worker=worker,
            by=current_user(),
            expected_version=if_version,
            same_name=same_name,
            new_worker=new_worker,
        )

    try:
        person, changed = edit_them(yes)
    except SameName as same:
        if not prompts.can_ask():
            raise
        prompts.confirm(
            messages.SAME_NAME_QUESTION.format(
                shown=" and ".join(user(s) for s in same.shown), org=user(org or "their organisation")
            ),
            False,
        )
        person, changed = edit_them(True)
    _end_edit(person, changed, now=now, json_out=json_out)


def _edit_several(
    names: list[str], others: bool, *, tag, worker, new_worker: bool, now, json_out: bool
) -> None:
    """`edit jo sam pat --worker W`, `edit --tag carers --worker W`: one key worker for several people."""
    from keepgoing.core.people import assign_worker
    from keepgoing.settings import current_user

    by_tag = not names and tag is not None and len(tag) == 1
    if worker is None or others or (not names and not by_tag) or (names and tag is not None):
        if names:
            _quote_a_name(names)
            raise UsageError(messages.EDIT_SEVERAL)
        raise UsageError(messages.EDIT_WHO)
    if not worker.strip():
        raise UsageError(messages.EDIT_SEVERAL_CLEAR)
    done = assign_worker(
        open_store(),
        names,
        worker=worker,
        now=now,
        tag=tag[0] if by_tag else None,
        by=current_user(),
        new_worker=new_worker,
    )
    emit(
        done,
        _say_key_worker_set,
        json_out=json_out,
        as_json=lambda done: [person.to_json(clock.local_today(now)) for person, _ in done],
    )


def _say_key_worker_set(done: list) -> None:
    """Who has the new key worker now, or that each already had them."""
    changed = [person for person, did in done if did]
    from keepgoing.cli.output import join_names
    from keepgoing.text import plural

    if not changed:
        why = messages.ALREADY_KEY_WORKER.format(worker=user(done[0][0].worker or ""))
        say(messages.NOTHING_CHANGED.format(why=why))
        return
    say(
        messages.KEY_WORKER_SET.format(
            worker=user(changed[0].worker or ""),
            count=plural(len(changed), "person"),
            names=join_names([user(p.name) for p in changed]),
        )
    )


def _quote_a_name(words: list[str]) -> None:
    """`edit chris patel --org X`: when the words together are one person, say to quote them."""
    from keepgoing.cli import leftovers

    leftovers.check(open_store(), words, side_by_side=True)


def _end_edit(person, changed: list[str], *, now, json_out: bool) -> None:
    """After an edit: the person as JSON, or the line saying what changed."""
    emit(
        person,
        lambda person: _say_updated(person, changed),
        json_out=json_out,
        as_json=lambda person: person.to_json(clock.local_today(now)),
    )


def _say_updated(person, changed: list[str]) -> None:
    if not changed:
        say(messages.NOTHING_CHANGED.format(why=f"{user(person.label)} already has those details"))
        return
    labels = {
        "organisation": "organisation",
        "cadence_days": "rhythm",
        "prefers": "preferred channel",
        "worker": "key worker",
        "consent_channels": "consent channels",
        "consent_note": "consent note",
        "consent_review_on": "consent review day",
        "consent_on": "consent date",
        "note": "what matters",
    }
    what = ", ".join(labels.get(c, c.replace("_", " ")) for c in changed)
    say(messages.UPDATED.format(name=user(person.label), what=what, next=_next(person)))


def _next(person, lead: str = "next due") -> str:
    """ "first due Mon 28 Dec 2026", or why nobody will prompt a check-in."""
    if person.consent == "withdrawn":
        since = f" on {describe_day(person.consent_on)}" if person.consent_on else ""
        return messages.NOT_DUE_WITHDRAWN.format(since=since)
    if person.archived_at is not None:
        return "archived, so never due"
    return f"{lead} {describe_day(person.due_on)}"


def _edit_with_form(name: str, *, now, if_version: int | None, json_out: bool) -> None:
    """Their details in the editor; saved only if nobody else saved in the meantime."""
    from keepgoing.cli.edit_form import edit_in_editor, read_form, render_form
    from keepgoing.core.matching import find_person
    from keepgoing.core.people import edit_person
    from keepgoing.settings import current_user

    store = open_store()
    person = find_person(store, name)
    if if_version is not None and person.version != if_version:
        from keepgoing.errors import EditConflict

        raise EditConflict(person)
    store.close()  # nothing held open while the editor is
    edited = edit_in_editor(render_form(person))
    from keepgoing.cli import prompts

    problems: dict[str, str] = {}
    asking = prompts.can_ask()
    changes = read_form(edited, person, problems if asking else None) if edited is not None else {}
    if problems:
        # The rest of the form is kept; only what did not pass is asked again.
        from keepgoing.cli.edit_form import ask_again

        ask_again(changes, problems, prompts.ask, warn)
    if not changes:
        say(messages.NO_CHANGES.format(name=user(person.name)))
        return
    store = open_store()
    try:
        updated, changed = edit_person(
            store, person.id, now=now, by=current_user(), expected_version=person.version, **changes
        )
    except NotFound:
        raise NotFound(messages.GONE_WHILE_EDITING.format(name=person.name)) from None
    _end_edit(updated, changed, now=now, json_out=json_out)


@app.command(
    rich_help_panel="People",
    epilog=examples(
        "keepgoing pause sam --until 2027-01-05",
        'keepgoing pause sam --until "in 3 weeks"',
        'keepgoing pause sam --until "end of month" --reason "in hospital"',
    ),
)
def pause(
    name: Annotated[str, person_argument("Who to pause.")],
    until: Annotated[
        str,
        typer.Option("--until", help="When they come back into the rhythm.", show_default=False),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help='Why, for whoever looks: "in hospital", "on holiday".')
    ] = None,
) -> None:
    """Snooze someone until a date: they will not show as due before then."""
    from keepgoing.core.people import pause_person

    now = clock.now()
    today = clock.local_today(now)
    from keepgoing.dates import parse_when  # show and people read no typed date: not loaded for them

    day = parse_when(until, today=today, prefer="future", dayfirst=dayfirst()).day
    store = open_store()
    person, changed = pause_person(store, name, until=day, today=today, now=now, reason=reason)
    why = messages.PAUSE_REASON.format(reason=user(person.pause_reason)) if person.pause_reason else ""
    if not changed:
        already = f"{user(person.name)} is already paused until {describe_day(day)}{why}"
        say(messages.NOTHING_CHANGED.format(why=already))
        return
    say(messages.PAUSED.format(name=user(person.name), day=describe_day(day), why=why))


@app.command(rich_help_panel="People", epilog=examples("keepgoing resume sam"))
def resume(
    name: Annotated[str, person_argument("Who to bring back.")],
) -> None:
    """Bring a paused or archived person back into the rhythm."""
    from keepgoing.core.people import resume_person

    _change_status(
        resume_person,
        name,
        done=lambda person: messages.RESUMED.format(name=user(person.name), day=describe_day(person.due_on)),
        unchanged=lambda person: f"{user(person.name)} is not paused or archived; {_next(person)}",
    )


@app.command(rich_help_panel="People", epilog=examples("keepgoing archive sam"))
def archive(
    name: Annotated[str, person_argument("Who to archive.")],
) -> None:
    """Retire someone: they leave the lists, their history is kept."""
    from keepgoing.core.people import archive_person

    _change_status(
        archive_person,
        name,
        done=lambda person: messages.ARCHIVED.format(name=user(person.name)),
        unchanged=lambda person: f"{user(person.name)} is already archived",
    )


def _change_status(
    change: Callable[..., tuple[Any, bool]],
    name: str,
    *,
    done: Callable[[Any], str],
    unchanged: Callable[[Any], str],
) -> None:
    """resume, archive: the change to their status, then the line saying it, or why nothing changed."""
    person, changed = change(open_store(), name, now=clock.now())
    say(done(person) if changed else messages.NOTHING_CHANGED.format(why=unchanged(person)))
