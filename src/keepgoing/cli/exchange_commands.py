"""export and import: reports, hand-over packs, calendars, backups, and bringing data in."""

import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.forgotten import IncludeForgottenOption, say_forgotten
from keepgoing.cli.options import JsonOption, emit, examples, open_store
from keepgoing.cli.output import say, user, warn
from keepgoing.dates import parse_when
from keepgoing.errors import BadInput, UsageError
from keepgoing.exchange.formats import EXPORT_FORMATS, FORMAT_NAMES
from keepgoing.exchange.sections import ITEM
from keepgoing.settings import dayfirst
from keepgoing.storage import completion as complete
from keepgoing.text import plural

SINGULAR = {**ITEM, "check_ins": "check-in", "rows": "row"}


def export_format(given: str | None, output: Path | None) -> str:
    """The format from --format, else from --output's extension, else JSON; a contradiction is refused."""
    from keepgoing.errors import UsageError
    from keepgoing.exchange.files import format_of

    named = None
    if given is not None:
        named = FORMAT_NAMES.get(given.strip().lower())
        if named is None:
            raise UsageError(f"Unknown export format {given!r}; use json, csv, markdown (md) or ics (ical).")
    implied = format_of(output, EXPORT_FORMATS, "export") if output is not None else None
    if named and implied and named != implied and output is not None:
        raise UsageError(
            f"--format {given} contradicts the file name {output.name}, which means {implied}; "
            "change one of them."
        )
    return named or implied or "json"


@app.command(
    "export",
    rich_help_panel="Reports and data",
    epilog=examples(
        "keepgoing export --output backup.json   (everything, to import later)",
        "keepgoing export --since 2026-04-01 --until 2027-03-31 --output year.csv   (format from the name)",
        "keepgoing export --tag partner --output handover.md",
        "keepgoing export --output calendar.ics   (follow-ups and next check-ins)",
        "keepgoing export --format csv   (to the screen or a pipe)",
        "keepgoing export --format csv --anonymise   (names become Person 7; notes dropped)",
        'keepgoing export --person "Sam Okafor"   (one person\'s own copy of their data)',
        'keepgoing export --person "Sam Okafor" --subject-access   (for them to read: Markdown, HTML and JSON)',
        "keepgoing export --format ics --with-contacts   (phone numbers and emails in the calendar)",
        "keepgoing export --include-monitoring --output monitoring.json   (with equality monitoring)",
    ),
)
def export(
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="json, csv, markdown (md) or ics (ical). Default: from --output's extension, else json.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only conversations on or after this day.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only conversations on or before this day.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Only people with this tag (repeatable).", autocompletion=complete.tags),
    ] = None,
    person: Annotated[
        list[str] | None,
        typer.Option("--person", help="Only this person (repeatable).", autocompletion=complete.people),
    ] = None,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise", "--anonymize", help="Replace names with Person N; drop contacts and notes."
        ),
    ] = False,
    keep_notes: Annotated[
        bool, typer.Option("--keep-notes", help="With --anonymise, keep free-text notes.")
    ] = False,
    include_monitoring: Annotated[
        bool,
        typer.Option(
            "--include-monitoring",
            help="Also export equality monitoring (special category data; json and csv, never anonymised).",
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --output if it exists.")] = False,
    subject_access: Annotated[
        bool,
        typer.Option(
            "--subject-access",
            help="With one --person: what is held about them, for them to read (Markdown, HTML and JSON in "
            "the folder --output, by default a new one here). Nobody else can be read from it.",
        ),
    ] = False,
    with_contacts: Annotated[
        bool,
        typer.Option("--with-contacts", help="For a calendar: put phone numbers and emails in the events."),
    ] = False,
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Encrypt the --output file with a passphrase (typed, or KEEPGOING_PASSPHRASE); "
            "keepgoing import reads it back.",
        ),
    ] = False,
) -> None:
    """Export for reports, hand-over packs, calendars and full backups."""
    from keepgoing.exchange.selection import Selection

    if subject_access:
        others = bool(format or since or until or tag or anonymise or keep_notes or with_contacts)
        _export_subject_access(person or [], output, force=force, others=others)
        return
    fmt = export_format(format, output)
    if with_contacts and fmt != "ics":
        raise BadInput(messages.WITH_CONTACTS_ICS_ONLY)
    if keep_notes and not anonymise:
        raise BadInput("--keep-notes only makes sense with --anonymise.")
    if include_monitoring and anonymise:
        raise UsageError(messages.MONITOR_WITH_ANONYMISE)
    if include_monitoring and fmt not in ("json", "csv"):
        raise UsageError(messages.MONITOR_FORMAT)
    now = clock.now()
    today = clock.local_today(now)
    since_day = parse_when(since, today=today, prefer="either", dayfirst=dayfirst()).day if since else None
    until_day = parse_when(until, today=today, prefer="either", dayfirst=dayfirst()).day if until else None
    passphrase = _export_passphrase(output) if encrypt else None
    store = open_store()
    if output is not None and not encrypt and getattr(store, "encrypted", False):
        warn(messages.EXPORT_NOT_ENCRYPTED.format(path=user(str(output))))
    with store.read():
        selection = Selection.build(
            store,
            since=since_day,
            until=until_day,
            tags=tag,
            people=person,
            anonymise=anonymise,
            keep_notes=keep_notes,
        )
        selection.monitoring = include_monitoring
        from keepgoing.core.conversations import count_all_conversations

        total = count_all_conversations(store)
        target = _open_output(output, force=force, bom=fmt == "csv", passphrase=passphrase)
        from keepgoing.cli.progress import progress

        with target as out, progress("Exporting", total) as tick:
            counts = _write(fmt, store, out, selection, now, tick, with_contacts=with_contacts)
        from keepgoing.core.audit import record

        record(store, "export", records=f"{fmt}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    if output is not None:
        summary = ", ".join(plural(n, SINGULAR.get(what, what)) for what, n in counts.items())
        warn(messages.WROTE.format(path=user(str(output)), format=fmt, summary=summary))


def _export_passphrase(output: Path | None) -> str:
    if output is None:
        raise UsageError(messages.EXPORT_ENCRYPTED_NEEDS_FILE)
    from keepgoing.storage.encryption import PASSPHRASE_VARIABLE, new_passphrase

    return new_passphrase(PASSPHRASE_VARIABLE, messages.NEW_PASSPHRASE_QUESTION)


@contextmanager
def _sealed_output(output: Path, *, force: bool, bom: bool, passphrase: str):
    """The export written in memory, then encrypted into the file (exchange/sealed.py)."""
    import io

    from keepgoing.exchange.files import private_output
    from keepgoing.exchange.sealed import seal

    text = io.StringIO(newline="")
    yield text
    with private_output(output, force=force) as out:
        out.buffer.write(seal(("\ufeff" if bom else "") + text.getvalue(), passphrase))


def _open_output(output: Path | None, *, force: bool, bom: bool, passphrase: str | None = None):
    if output is not None and passphrase is not None:
        return _sealed_output(output, force=force, bom=bom, passphrase=passphrase)
    if output is None:
        from keepgoing.cli.output import TerminalSafe, to_terminal

        if to_terminal():
            # Files keep the exact text; a terminal must not obey escapes hidden in notes.
            return nullcontext(TerminalSafe(sys.stdout))
        return nullcontext(sys.stdout)
    from keepgoing.exchange.files import private_output

    return private_output(output, force=force, bom=bom)


def _export_subject_access(people: list[str], output: Path | None, *, force: bool, others: bool) -> None:
    from keepgoing.core.audit import record
    from keepgoing.core.subject_access import subject_access
    from keepgoing.errors import UsageError
    from keepgoing.exchange.subject_access import write_subject_access

    if len(people) != 1:
        raise UsageError(messages.SUBJECT_ACCESS_ONE_PERSON)
    if others:
        raise UsageError(messages.SUBJECT_ACCESS_ALONE)
    store = open_store(create=False)
    from keepgoing.storage.team import require_manager

    # A worker sees only part of a team store, so could not hide everyone else in the notes.
    require_manager(store, "answer a subject access request")
    disclosure = subject_access(store, people[0], now=clock.now())
    written = write_subject_access(disclosure, output, force=force)
    record(store, "subject access", person_id=disclosure.person.id, records=f"{written.entries} entries")
    say(
        messages.SUBJECT_ACCESS_WRITTEN.format(
            name=user(disclosure.person.name),
            folder=user(str(written.folder)),
            files=", ".join(user(f.name) for f in written.files),
            entries=plural(written.entries, "entry"),
        )
    )


def _write(fmt: str, store, out, selection, now, tick, *, with_contacts: bool = False) -> dict[str, int]:
    from keepgoing.exchange.formats import FORMATS, ExportOptions

    return FORMATS[fmt].write(store, out, selection, ExportOptions(now, tick, with_contacts))


@app.command(
    "import",
    rich_help_panel="Reports and data",
    epilog=examples(
        "keepgoing import backup.json   (a keepgoing export)",
        "keepgoing import contacts.vcf --dry-run   (see what would happen first)",
        "keepgoing import people.csv   (columns: name, email, phone, organisation, tags, rhythm)",
        "keepgoing import people.csv   (also First name, Surname, Mobile, E-mail, Notes, Company, Job title ...)",
        'keepgoing import people.csv --columns "Surname=last_name,Mob=phone,Home phone=skip"',
        'keepgoing import old-backup.json --include-forgotten "Sam Jones"   (bring back someone forgotten)',
    ),
)
def import_(
    file: Annotated[Path, typer.Argument(help="A keepgoing JSON export, a CSV of people, or a vCard file.")],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="json, csv or vcard (default: from the name).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="For a CSV: what its headings hold, as Heading=field pairs (fields: name, first_name, "
            "last_name, phone, email, organisation, role, note, tags, aliases, rhythm, prefers, or skip).",
        ),
    ] = None,
    include_forgotten: IncludeForgottenOption = None,
    json_out: JsonOption = False,
) -> None:
    """Bring people and history in: all or nothing, matching people already here.

    People forgotten in this store are left out, with what was only theirs."""
    from keepgoing.exchange.file_import import import_file

    store = open_store(create=not dry_run)
    from keepgoing.storage.team import require_manager

    require_manager(store, "import into the team store")
    total = max(1, file.stat().st_size // 200) if file.is_file() else 0
    from keepgoing.cli.progress import progress
    from keepgoing.exchange.sealed import opened

    with opened(file) as readable, progress("Importing", total) as tick:
        report = import_file(
            store,
            readable,
            format=format.lower() if format else None,
            dry_run=dry_run,
            now=clock.now(),
            tick=tick,
            columns=columns,
            include_forgotten=include_forgotten,
        )
    report.file = str(file)  # the file as named, not its decrypted copy
    emit(
        report,
        lambda report: _say_imported(report, file, dry_run=dry_run),
        json_out=json_out,
    )


def _say_imported(report, file: Path, *, dry_run: bool) -> None:
    """Who and what came in (or would), what was skipped and why, and in a dry run the names."""
    verb = "Would add" if dry_run else "Added"
    matched = len(report.people_matched)
    say(
        messages.IMPORTED.format(
            verb=verb,
            people=plural(len(report.people_added), "person"),
            matched=matched,
            conversations=plural(report.conversations_added, "conversation"),
            follow_ups=plural(report.follow_ups_added, "follow-up"),
            file=user(file.name),
        )
    )
    skipped = report.conversations_skipped + report.follow_ups_skipped
    if skipped:
        say(messages.IMPORT_SKIPPED.format(count=plural(skipped, "item")))
    for note in report.notes:
        say(messages.IMPORT_NOTE.format(note=user(note)))
    say_forgotten(report)
    if dry_run:
        for template, names in (
            (messages.IMPORT_WOULD_ADD, report.people_added),
            (messages.IMPORT_WOULD_MATCH, report.people_matched),
        ):
            if names:
                say(template.format(names=_first_names(names)))
        say(messages.DRY_RUN)


# How many names a dry run of an import lists before it gives a count.
NAMES_SHOWN = 20


def _first_names(names: list[str]) -> str:
    """ "Ann Lee, Bob Marsh and 12 more": the first `NAMES_SHOWN`, then how many more."""
    shown = ", ".join(user(name) for name in names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")
