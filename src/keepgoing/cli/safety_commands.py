"""forget, backup, restore, check and retention: looking after people's data."""

from pathlib import Path
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument
from keepgoing.cli.endings import say_cleanup_pending
from keepgoing.cli.options import JsonOption, YesOption, emit, examples, open_store, session
from keepgoing.cli.output import say, user
from keepgoing.cli.prompts import confirm
from keepgoing.settings import dayfirst
from keepgoing.text import plural


@app.command(
    rich_help_panel="Care with data",
    epilog=examples(
        'keepgoing forget "Sam Okafor" --dry-run   (see everything that would change)',
        'keepgoing forget "Sam Okafor"',
        "keepgoing forget sam --yes   (no question asked)",
    ),
)
def forget(
    name: Annotated[str, person_argument("Who to forget.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be erased and redacted; change nothing.")
    ] = False,
    yes: YesOption = False,
    json_out: Annotated[bool, typer.Option("--json", help="With --dry-run: the plan as JSON.")] = False,
) -> None:
    """Erase a person and everything said only about them, for good."""
    from keepgoing.core.erasure import forget_person, plan_forget
    from keepgoing.core.matching import find_person

    store = open_store()
    from keepgoing.storage.team import require_manager

    require_manager(store, "erase a person")  # the database refuses a worker's delete of a person
    person = find_person(store, name)
    if dry_run:
        with store.read():
            plan = plan_forget(store, person)
        emit(plan, _show_plan, json_out=json_out)
        return
    confirm(messages.FORGET_QUESTION.format(name=user(person.name)), yes)
    done = forget_person(store, person, now=clock.now())
    from keepgoing.core.audit import record

    # The fact of the erasure and the record numbers, never the name.
    record(
        store,
        "forget",
        person_id=person.id,
        records=f"erased {done.conversations_erased} conversations, {done.follow_ups_erased} follow-ups",
    )
    say(
        messages.FORGOTTEN.format(
            name=user(done.name),
            conversations=plural(done.conversations_erased, "conversation"),
            follow_ups=plural(done.follow_ups_erased, "follow-up"),
            groups=plural(done.group_conversations, "group conversation"),
            notes=plural(done.notes_scrubbed, "other record"),
        )
    )
    if done.ideas_kept:
        say(messages.IDEAS_KEPT.format(ideas=plural(done.ideas_kept, "idea")))
    say_cleanup_pending(done.cleanup_pending)
    _say_backups_holding(store, person)
    say(messages.FORGOTTEN_ELSEWHERE)


# How many of the backups still holding someone `forget` names, one a line, before a count.
BACKUPS_NAMED = 10


def _say_backups_holding(store, person) -> None:
    """Name the backups in the backups folder, made before this erasure, that still hold them."""
    path = getattr(store, "path", None)
    if path is None:
        return  # a team store: its backups are the server's
    from keepgoing.core.tombstones import backups_holding

    found = backups_holding(path, [person.name, *person.aliases], person.email, person.phone)
    if found.holding:
        say(
            messages.BACKUPS_STILL_HOLD.format(
                count=plural(len(found.holding), "older backup"),
                verb="holds" if len(found.holding) == 1 else "hold",
                name=user(person.name),
            )
        )
        for held in found.holding[:BACKUPS_NAMED]:
            say(f"  {user(str(held))}")
        if len(found.holding) > BACKUPS_NAMED:
            say(messages.AND_MORE.format(count=len(found.holding) - BACKUPS_NAMED))
    if found.unreadable or found.not_looked_at:
        say(
            messages.BACKUPS_NOT_CHECKED.format(
                count=plural(len(found.unreadable) + found.not_looked_at, "older backup")
            )
        )


KINDS = {
    "conversations": "conversation",
    "follow_ups": "follow-up",
    "notes": "lasting note",
    "ideas": "idea",
    "wins": "win",
    "aliases": "alias",
    "tags": "tag",
    "group_memberships": "group membership",
    "wellbeing_scores": "wellbeing measure score",
    "monitoring": "equality monitoring record",
}


def _show_plan(plan) -> None:
    """The dry run: counts by kind, then each record that would be redacted, with an excerpt."""
    erased = [plural(n, KINDS[kind]) for kind, n in plan.erase.items() if n]
    say(
        messages.FORGET_WOULD.format(name=user(plan.person.name), what=", ".join(erased) or "only their card")
    )
    if plan.group_conversations:
        say(messages.FORGET_WOULD_GROUPS.format(count=plural(len(plan.group_conversations), "conversation")))
    if plan.kept_ideas:
        say(messages.IDEAS_KEPT.format(ideas=plural(len(plan.kept_ideas), "idea")))
    if plan.redactions:
        say(messages.FORGET_WOULD_REDACT.format(count=plural(len(plan.redactions), "other record")))
        for change in plan.redactions:
            say(f"  {change.kind} #{change.id}: {user(change.excerpt())}")
    say(messages.DRY_RUN)


def _local_path(path: Path | None) -> Path:
    """The store's file; None (a store on a database server) is refused."""
    from keepgoing.errors import StoreError

    if path is None:
        raise StoreError(
            "backup and restore work on a local store; for a database server use its own backups, "
            "or keepgoing export."
        )
    return path


@app.command(
    rich_help_panel="Care with data",
    epilog=examples(
        "keepgoing backup   (into the backups folder beside the store, keeping the newest 10)",
        "keepgoing backup /media/usb/keepgoing-2026-11-27.db",
        "keepgoing backup --keep 30",
        "keepgoing backup --prune-before today   (remove every backup made so far, after a forget)",
        'keepgoing backup --prune-before "2026-11-01" --yes',
    ),
)
def backup(
    dest: Annotated[
        Path | None, typer.Argument(help="A new file or a folder (default: the backups folder).")
    ] = None,
    keep: Annotated[
        int, typer.Option("--keep", min=1, help="How many backups to keep in the backups folder.")
    ] = 10,
    prune_before: Annotated[
        str | None,
        typer.Option(
            "--prune-before",
            help="Instead of backing up, remove the backups in the backups folder made before this day "
            "(today: every one made so far).",
        ),
    ] = None,
    yes: YesOption = False,
) -> None:
    """A consistent, private copy of the store, made with SQLite's online backup."""
    from keepgoing.storage.backup import backup as make_backup

    store = open_store()
    path = _local_path(getattr(store, "path", None))
    store.close()
    if prune_before is not None:
        _prune(path, prune_before, dest=dest, yes=yes)
        return
    made = make_backup(path, dest, keep=keep)
    say(messages.BACKED_UP.format(path=user(str(made))))


def _prune(path: Path, when: str, *, dest: Path | None, yes: bool) -> None:
    from keepgoing.clock import start_of_day
    from keepgoing.date_display import describe_day
    from keepgoing.dates import parse_when
    from keepgoing.errors import UsageError
    from keepgoing.storage.backup import backups_folder, made_before, prune_before

    if dest is not None:
        raise UsageError(messages.PRUNE_NO_DEST)
    now = clock.now()
    today = clock.local_today(now)
    day = parse_when(when, today=today, prefer="past", dayfirst=dayfirst()).day
    if day > today:
        raise UsageError(messages.PRUNE_FUTURE.format(day=describe_day(day)))
    # Today: every backup made so far (a forget's advice); a day before: those made before it began.
    cutoff = None if day == today else start_of_day(day)
    shown = "now" if cutoff is None else describe_day(day)
    doomed = made_before(path, cutoff)
    folder = user(str(backups_folder(path)))
    if not doomed:
        say(messages.PRUNED_NONE.format(when=shown, folder=folder))
        return
    confirm(
        messages.PRUNE_QUESTION.format(count=plural(len(doomed), "backup"), when=shown, folder=folder), yes
    )
    removed = prune_before(path, cutoff)
    say(messages.PRUNED.format(count=plural(len(removed), "backup"), when=shown, folder=folder))


@app.command(
    rich_help_panel="Care with data",
    epilog=examples("keepgoing restore ~/.local/share/keepgoing/backups/keepgoing-20261127-093000-000000.db"),
)
def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by keepgoing backup.", show_default=False)],
    yes: YesOption = False,
) -> None:
    """Bring a backup back, after checking it; the current store is backed up first."""
    from keepgoing.storage import store_file
    from keepgoing.storage.backup import check
    from keepgoing.storage.backup import restore as bring_back
    from keepgoing.storage.numbers import given_in_file, keep_given

    location = _local_path(store_file(session().db))
    health = check(file)
    if not health.ok:
        from keepgoing.errors import BadInput

        raise BadInput(f"{file} cannot be restored: {health.problems[0]}.")
    confirm(messages.RESTORE_QUESTION.format(store=user(str(location)), backup=user(str(file))), yes)
    given = given_in_file(location)
    safety = bring_back(file, location)
    store = open_store(create=True)  # an older backup is migrated now, with its own safety copy
    keep_given(store, given)  # numbers given since the backup are never given again
    store.close()
    kept = messages.RESTORE_KEPT.format(path=user(str(safety))) if safety else ""
    say(messages.RESTORED.format(path=user(str(file)), kept=kept))


@app.command(
    rich_help_panel="Care with data",
    epilog=examples("keepgoing check", "keepgoing check --json"),
)
def check(json_out: JsonOption = False) -> None:
    """Check the store's integrity and schema without changing anything.

    A local store gets SQLite's integrity and foreign-key checks; a database
    server's store is checked for its schema version and for tables that no
    longer match what keepgoing's migrations built.
    """
    from keepgoing.storage import check_store, on_server, resolve_location

    server = on_server(resolve_location(session().db))
    health = check_store(session().db)
    emit(
        health,
        lambda health: _say_health(health, server=server),
        json_out=json_out,
    )
    if not health.ok:
        raise typer.Exit(1)


def _say_health(health, *, server: bool) -> None:
    if health.ok:
        line = messages.HEALTHY_SERVER if server else messages.HEALTHY
        say(line.format(path=user(health.path), schema=health.schema))
        return
    say(messages.UNHEALTHY.format(path=user(health.path)))
    for problem in health.problems:
        say(messages.PROBLEM.format(problem=user(problem)))


@app.command(
    rich_help_panel="Care with data",
    epilog=examples(
        "keepgoing retention --older-than 2y --dry-run   (see what would go)",
        "keepgoing retention --older-than 2y --yes",
        "keepgoing retention --older-than 3y --mode anonymise   (keep dates and channels only)",
    ),
)
def retention(
    older_than: Annotated[
        str, typer.Option("--older-than", help="Age limit: 2y, 18m, 52w ...", show_default=False)
    ],
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="erase (everything listed above), or anonymise (old conversations keep their dates "
            "and channels only).",
        ),
    ] = "erase",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would change; change nothing.")
    ] = False,
    yes: YesOption = False,
) -> None:
    """Erase or anonymise what is older than a retention period.

    --mode erase removes, from before the cut-off: conversations, with the
    follow-ups and ideas made in them; lasting notes; wins with people in
    them (win --with); follow-ups not made in a conversation; equality
    monitoring records asked before it; and the phone
    number and email of everyone last seen (or, never seen, added) before it. People's
    names, cards and rhythms stay. --mode anonymise keeps old conversations'
    dates and channels but drops their notes, wellbeing, feeling words and
    who wrote them. Either way the erased text is then cleared from the
    store's files.
    """
    from datetime import timedelta

    from keepgoing.clock import start_of_day
    from keepgoing.core.retention import apply_retention, expired
    from keepgoing.date_display import describe_day
    from keepgoing.dates import parse_duration
    from keepgoing.errors import BadInput
    from keepgoing.text import plural

    if mode not in ("erase", "anonymise", "anonymize"):
        raise BadInput(f"--mode is erase or anonymise, not {mode!r}.")
    mode = "anonymise" if mode.startswith("anonym") else mode
    days = parse_duration(older_than)
    today = clock.local_today(clock.now())
    cutoff_day = today - timedelta(days=days)
    store = open_store()
    from keepgoing.storage.team import require_manager

    require_manager(store, "apply the retention rules")
    found = expired(store, start_of_day(cutoff_day))
    if not found.anything(mode):
        say(messages.RETENTION_NOTHING.format(day=describe_day(cutoff_day)))
        return
    verb = "erase" if mode == "erase" else "anonymise"
    if found.count and found.oldest is not None and found.newest is not None:
        span = f"{describe_day(found.oldest.astimezone().date())} to {describe_day(found.newest.astimezone().date())}"
        say(
            messages.RETENTION_PREVIEW.format(
                count=plural(found.count, "conversation"), day=describe_day(cutoff_day), span=span, verb=verb
            )
        )
    also = found.also() if mode == "erase" else []
    if also:
        say(messages.RETENTION_ALSO.format(what="; ".join(also), day=describe_day(cutoff_day)))
    if dry_run:
        say(messages.DRY_RUN)
        return
    question = messages.RETENTION_QUESTION.format(
        verb=verb.capitalize(),
        count=plural(found.count, "conversation"),
        also=" and the rest listed above" if also else "",
    )
    confirm(question, yes)
    done = apply_retention(store, start_of_day(cutoff_day), mode=mode)
    say(messages.RETENTION_DONE.format(count=plural(done.conversations, "conversation"), verb=verb))
    if also:
        say(messages.RETENTION_ALSO_DONE.format(what="; ".join(also)))
    say_cleanup_pending(done.cleanup_pending)
