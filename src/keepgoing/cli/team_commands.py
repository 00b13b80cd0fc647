"""handover, copy: working as a team on a shared store."""

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument
from keepgoing.cli.endings import each_json
from keepgoing.cli.forgotten import IncludeForgottenOption, say_forgotten
from keepgoing.cli.options import JsonOption, emit, examples, open_store, open_store_at, session
from keepgoing.cli.output import say, user
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete
from keepgoing.text import plural


@app.command(
    rich_help_panel="Team",
    epilog=examples(
        "keepgoing handover --from alex --to priya --dry-run   (who would move)",
        "keepgoing handover --from alex --to priya",
        "keepgoing handover --from alex --to sam --tag walking --output walking-group.md",
    ),
)
def handover(
    from_worker: Annotated[str, typer.Option("--from", help="The worker handing over.", show_default=False)],
    to_worker: Annotated[str, typer.Option("--to", help="The worker taking over.", show_default=False)],
    tag: Annotated[
        str | None,
        typer.Option("--tag", help="Only their people with this tag.", autocompletion=complete.tags),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write the pack (default: handover-FROM-to-TO-DATE.md)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the pack file if it exists.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show who would move; change nothing, write no pack.")
    ] = False,
    new_worker: Annotated[
        bool, typer.Option("--new-worker", help="--to is a worker this store does not know yet.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Give one worker's people (and their open follow-ups) to another, with a hand-over pack.

    Everything moves in one transaction, and the Markdown pack tells the new
    key worker each person's story so far: what matters to them, how they
    like to be contacted, their rhythm, open follow-ups and recent conversations.
    """
    from keepgoing.core.handover import hand_over
    from keepgoing.settings import current_user
    from keepgoing.text import worker_key

    now = clock.now()
    source, target = worker_key(from_worker), worker_key(to_worker)
    pack = output
    if output is not None:
        from keepgoing.exchange.files import format_of

        format_of(output, ("markdown",), "handover")
    if pack is None:
        pack = Path(f"handover-{_file_part(source)}-to-{_file_part(target)}-{clock.local_today(now)}.md")
    written: list[Path] = []

    def write_pack(store, person_ids: list[int]) -> None:
        from keepgoing.exchange.files import private_output
        from keepgoing.exchange.formats.markdown import inline, write_markdown
        from keepgoing.exchange.selection import Selection

        with private_output(pack, force=force) as out:
            write_markdown(
                store,
                out,
                Selection(person_ids=person_ids),
                now=now,
                title=f"Hand-over pack: from {inline(source)} to {inline(target)}",
                intro=f"{inline(target)} is now key worker for everyone below.",
                recent=10,
            )
        written.append(pack)

    store = open_store()
    from keepgoing.storage.team import require_manager

    require_manager(store, "hand over a caseload")  # the database refuses a worker's key worker change
    try:
        result = hand_over(
            store,
            from_worker=source,
            to_worker=target,
            tag=tag,
            now=now,
            by=current_user(),
            dry_run=dry_run,
            write_pack=write_pack,
            new_worker=new_worker,
        )
    except BaseException:
        for path in written:  # the pack went into place but the hand-over did not commit
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    if not dry_run:
        from keepgoing.core.audit import record

        ids = ", ".join(str(p["id"]) for p in result.people)
        record(store, "handover", records=f"from {source} to {target}: people {ids}"[:2000])
        from keepgoing.core.audit import handed_over

        handed_over(store, [int(p["id"]) for p in result.people], source)
    emit(
        result,
        lambda result: _say_handed_over(result, source, target, pack=pack, dry_run=dry_run),
        json_out=json_out,
        as_json=lambda result: {**result.to_json(), "pack": None if dry_run else str(pack)},
    )


def _say_handed_over(result, source: str, target: str, *, pack: Path, dry_run: bool) -> None:
    """Who moved (in a dry run, who would), and where the pack is."""
    template = messages.HANDOVER_WOULD if dry_run else messages.HANDED_OVER
    say(
        template.format(
            count=plural(len(result.people), "person"),
            follow_ups=plural(result.follow_ups, "open follow-up"),
            source=user(source),
            target=user(target),
        )
    )
    say("  " + ", ".join(user(p["name"]) for p in result.people))
    say(messages.DRY_RUN if dry_run else messages.HANDOVER_PACK.format(path=user(str(pack))))


def _file_part(worker: str) -> str:
    """A worker's name as a safe piece of a file name."""
    return "".join(c if c.isalnum() else "-" for c in worker).strip("-") or "worker"


@app.command(
    rich_help_panel="Team",
    epilog=examples(
        "keepgoing copy --to postgresql://alex@db.example.org/team   (your notes into the team store)",
        "keepgoing --db postgresql://alex@db.example.org/team copy --to ~/keepgoing-copy.db",
        "keepgoing copy --to postgresql://alex@db.example.org/team --dry-run",
        "keepgoing copy --to postgresql://maria@db.example.org/team --worker alex   (a manager copies Alex's)",
    ),
)
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The store to copy into: a file path or a database URL.", show_default=False
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be copied; change nothing.")
    ] = False,
    worker: Annotated[
        str | None,
        typer.Option(
            "--worker",
            help="Into a team store: whose caseload the local store's people become (default: you).",
        ),
    ] = None,
    include_forgotten: IncludeForgottenOption = None,
    json_out: JsonOption = False,
) -> None:
    """Copy everything in this store into another (a team's database, or back to a file).

    People already there are matched by name, alias or email, and what is
    already there is skipped, so copying again adds only what is new. All of
    it is copied in one transaction, or none of it. Copied into a team store,
    a local store's people become your caseload (or --worker's), and what was
    written in it is yours (or theirs).
    """
    from keepgoing.cli.progress import progress
    from keepgoing.exchange.copying import copy_store
    from keepgoing.storage import on_server

    source = open_store()
    from keepgoing.core.conversations import count_all_conversations
    from keepgoing.storage.team import managers_only, require_manager

    require_manager(source, "copy the team store")
    managers_only(source, "copy the team store")  # the database's own answer, before any file is made

    total = count_all_conversations(source)
    with contextlib.ExitStack() as cleanup:
        where = to
        if dry_run and "://" not in to and not on_server(to) and not Path(to).expanduser().exists():
            # A dry run into a file that does not exist yet: rehearse on a throwaway store,
            # so that nothing is created.
            import tempfile

            where = str(Path(cleanup.enter_context(tempfile.TemporaryDirectory())) / "rehearsal.db")
        target = open_store_at(where, create=True, command=session().command)
        require_manager(target, "copy into the team store")
        with progress("Copying", total) as tick:
            report = copy_store(
                source,
                target,
                now=clock.now(),
                dry_run=dry_run,
                tick=tick,
                worker=worker,
                include_forgotten=include_forgotten,
            )
        location = to if where != to else target.location
    emit(
        report,
        lambda report: _say_copied(report, location, dry_run=dry_run),
        json_out=json_out,
        as_json=lambda report: {**report.to_json(), "to": location},
    )


def _say_copied(report, location: str, *, dry_run: bool) -> None:
    verb = "Would copy" if dry_run else "Copied"
    say(
        messages.COPIED.format(
            verb=verb,
            people=plural(len(report.people_added), "new person"),
            matched=len(report.people_matched),
            conversations=plural(report.conversations_added, "conversation"),
            follow_ups=plural(report.follow_ups_added, "follow-up"),
            others=plural(report.others_added, "other record"),
            target=user(location),
        )
    )
    skipped = report.conversations_skipped + report.follow_ups_skipped + report.others_skipped
    if skipped:
        say(messages.COPY_SKIPPED.format(count=plural(skipped, "item")))
    for note in report.notes:
        say(messages.IMPORT_NOTE.format(note=user(note)))
    say_forgotten(report)
    if dry_run:
        say(messages.DRY_RUN)


team_app = typer.Typer(
    help="A team store's roles and access: PostgreSQL roles and row-level security.",
    no_args_is_help=True,
    epilog=examples(
        "keepgoing team init   (once, by whoever looks after the database)",
        'keepgoing team add-worker priya --name "Priya Shah"',
        "keepgoing team add-worker sam --manager",
        "keepgoing team workers",
        "keepgoing team share sam --with priya   (Priya may see Sam too)",
        "keepgoing team leave alex   (after keepgoing handover --from alex --to ...)",
    ),
)
app.add_typer(team_app, name="team", rich_help_panel="Team")


@team_app.command(
    "init",
    epilog=examples(
        "keepgoing team init",
        "keepgoing team init --worker alex   (the people already in the store become alex's caseload)",
    ),
)
def team_init(
    worker: Annotated[
        str | None,
        typer.Option("--worker", help="A login role whose caseload the people already in the store become."),
    ] = None,
) -> None:
    """Set up a PostgreSQL store for a team: roles, privileges and row-level security.

    Run once by whoever looks after the database (a role that may create
    roles). From then on each worker connects as their own login role and
    sees only their caseload, in keepgoing and in psql alike; managers see
    everyone. Running it again renews the privileges and policies.
    """
    from keepgoing.storage.team import init_team

    done = init_team(open_store(), worker=worker)
    if done.already:
        say(messages.TEAM_ALREADY)
    say(
        messages.TEAM_READY.format(
            tables=len(done.tables), worker=user(done.roles.worker), manager=user(done.roles.manager)
        )
    )
    if worker is not None:
        say(messages.TEAM_CASELOAD.format(count=plural(done.caseload, "person"), role=user(worker)))
    say(messages.TEAM_NEXT)


@team_app.command(
    "add-worker",
    epilog=examples(
        'keepgoing team add-worker priya --name "Priya Shah"',
        "keepgoing team add-worker sam --manager   (sees and changes everything)",
    ),
)
def team_add_worker(
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL login role.", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="The name shown for them.")] = None,
    manager: Annotated[
        bool, typer.Option("--manager", help="A manager: sees and changes everyone's records.")
    ] = False,
) -> None:
    """Let a database login role into the team store, as a worker or a manager."""
    from keepgoing.storage.team import add_worker

    add_worker(open_store(), role, name=name, manager=manager)
    shown = f" ({user(name.strip())})" if name else ""
    say(messages.WORKER_ADDED.format(role=user(role), kind="manager" if manager else "worker", name=shown))


@team_app.command("workers", epilog=examples("keepgoing team workers", "keepgoing team workers --json"))
def team_workers(json_out: JsonOption = False) -> None:
    """Who may use the team store: each role, its name, worker or manager, and caseload."""
    from keepgoing.storage.team import workers

    emit(workers(open_store()), _say_workers, json_out=json_out)


def _say_workers(found: list[dict]) -> None:
    if not found:
        say(messages.NO_WORKERS)
        return
    for each in found:
        name = f" ({user(each['name'])})" if each["name"] else ""
        kind = "manager" if each["manager"] else "worker"
        say(f"{user(each['role'])}{name}: {kind}, {plural(each['caseload'], 'person')} in their caseload")


@team_app.command(
    "leave",
    epilog=examples(
        "keepgoing handover --from alex --to priya   (first: their caseload moves)",
        "keepgoing team leave alex",
    ),
)
def team_leave(
    role: Annotated[str, typer.Argument(help="The login role leaving the team.", show_default=False)],
) -> None:
    """Take a role's access away; refused while anyone is still in their caseload."""
    from keepgoing.storage.team import leave

    leave(open_store(), role)
    say(messages.WORKER_LEFT.format(role=user(role)))


@team_app.command(
    "share",
    epilog=examples(
        "keepgoing team share sam --with priya   (Priya covers while Sam's key worker is away)",
        "keepgoing team share sam --with priya --stop",
    ),
)
def team_share(
    name: Annotated[str, person_argument("The person to share.")],
    with_role: Annotated[str, typer.Option("--with", help="The worker's login role.", show_default=False)],
    stop: Annotated[bool, typer.Option("--stop", help="Stop sharing them with that worker.")] = False,
) -> None:
    """Let a worker see and change one person who is not in their caseload (managers only).

    A worker already sees their own caseload and the people they logged a
    conversation with in the last 90 days; a share adds one more person,
    until it is stopped. The database enforces it, in keepgoing and psql alike.
    """
    from keepgoing.core.matching import find_person
    from keepgoing.storage.team import share

    store = open_store()
    person = find_person(store, name)
    changed = share(store, person.id, with_role, now=clock.now(), stop=stop)
    if changed:
        from keepgoing.core.audit import record

        record(store, "stop sharing" if stop else "share", person_id=person.id, records=f"with {with_role}")
    words = {"name": user(person.name), "role": user(with_role)}
    if stop:
        say((messages.SHARE_STOPPED if changed else messages.NOTHING_TO_UNSHARE).format(**words))
    else:
        say((messages.SHARED if changed else messages.NOTHING_TO_SHARE).format(**words))


@app.command(
    rich_help_panel="Team",
    epilog=examples(
        "keepgoing audit --person sam   (who looked at or changed Sam's records)",
        "keepgoing audit --worker priya --since 'last monday'",
        "keepgoing audit --limit 20   (the newest 20)",
        "keepgoing audit --json",
    ),
)
def audit(
    person: Annotated[
        str | None,
        typer.Option("--person", help="Only entries about this person.", autocompletion=complete.people),
    ] = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Only this login role's entries.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only entries on or after this day.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the newest N entries (still oldest first).")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Who read or changed what in a team store, and when (a worker sees their own entries).

    Every change is recorded by the database itself, psql included; every
    show, search, export, report, hand-over and erasure by keepgoing. An entry
    names records by number, never a person's name or what was written, so it
    outlives an erasure. Nobody but the store's owner can change or remove one.
    """
    from keepgoing.core.audit import entries
    from keepgoing.dates import parse_when

    store = open_store()
    since_day = (
        parse_when(since, today=clock.local_today(clock.now()), prefer="past", dayfirst=dayfirst()).day
        if since
        else None
    )
    person_id = None
    if person is not None:
        from keepgoing.core.matching import find_person

        person_id = find_person(store, person).id
    found = entries(store, person_id=person_id, role=worker, since=since_day, limit=limit)
    emit(found, _say_entries, json_out=json_out, as_json=each_json)


def _say_entries(found: list) -> None:
    """One line an audit entry, oldest first: number, time, login role, [command], action, what."""
    if not found:
        say(messages.NO_AUDIT_ENTRIES)
        return
    for e in found:
        about = f" person {e.person_id}" if e.person_id is not None else ""
        what = f" ({user(e.records)})" if e.records else ""
        command = f" [{user(e.command)}]" if e.command else ""
        say(
            f"{e.id:>6}  {e.at.astimezone():%Y-%m-%d %H:%M:%S}  {user(e.role)}{command}: {user(e.action)}{about}{what}"
        )


@app.command(rich_help_panel="Team", epilog=examples("keepgoing upgrade"))
def upgrade() -> None:
    """Bring the store to the newest schema (in a team store, for whoever looks after it).

    A personal store is upgraded by any command; a team store only by this one,
    run by whoever looks after the database.
    """
    from keepgoing.storage.revisions import HEAD

    store = open_store(upgrade_team=True)
    if getattr(store, "team_worker", None) is not None:
        from keepgoing.storage.team import init_team

        init_team(store)  # a new table gets its policy; every policy is renewed
    say(messages.UPGRADED.format(location=user(store.location), version=HEAD))
