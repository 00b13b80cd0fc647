"""report: an impact report for funders and boards, as one HTML page with charts (or Markdown)."""

from pathlib import Path
from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.options import emit, examples, open_store
from keepgoing.cli.output import say, user, warn
from keepgoing.dates import parse_when
from keepgoing.errors import UsageError
from keepgoing.settings import dayfirst

FORMATS = {"html": "html", "md": "markdown", "markdown": "markdown"}


@app.command(
    rich_help_panel="Reports and data",
    epilog=examples(
        "keepgoing report --period 2026Q3 --output q3.html   (attach it to an email)",
        "keepgoing report   (this quarter so far, to impact-report-DATE.html)",
        "keepgoing report --since 2026-04-01 --until 2027-03-31 --team --anonymise",
        "keepgoing report --period 2026Q3 --worker priya --format md --output priya-q3.md",
    ),
)
def report(
    period: Annotated[
        str | None, typer.Option("--period", help="A quarter (2026Q3), a month (2026-09) or a year.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day (instead of --period).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="To this day (default: today).")] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", help="Only this worker's conversations, promises and wins.")
    ] = None,
    team: Annotated[bool, typer.Option("--team", help="Everyone's work (the default).")] = False,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise", "--anonymize", help="No names, contacts or names in quotes; counts under 5 as <5."
        ),
    ] = False,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="html (default) or md; also taken from --output.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The file to write.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --output if it exists.")] = False,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the figures as JSON instead of writing a page.")
    ] = False,
) -> None:
    """An impact report for funders and boards: one self-contained page with charts."""
    from keepgoing.core.report import Span, build_report, current_quarter, parse_period
    from keepgoing.exchange.files import extension_for
    from keepgoing.text import worker_key

    if worker and team:
        raise UsageError("--worker and --team cannot go together: one worker's work, or everyone's.")
    if period and (since or until):
        raise UsageError("Give --period, or --since and --until, not both.")
    kind = _format(format, output)
    now = clock.now()
    today = clock.local_today(now)
    if period:
        span = parse_period(period)
    elif since or until:
        start = (
            parse_when(since, today=today, prefer="either", dayfirst=dayfirst()).day
            if since
            else current_quarter(today).start
        )
        end = parse_when(until, today=today, prefer="either", dayfirst=dayfirst()).day if until else today
        if end < start:
            raise UsageError("--until comes before --since.")
        span = Span(start, end)
    else:
        span = current_quarter(today)
    store = open_store()
    if team:
        from keepgoing.storage.team import require_manager

        require_manager(store, "report on the whole team (--team)")
    figures = build_report(
        store, span, worker=worker_key(worker) if worker else None, anonymise=anonymise, today=today
    )
    from keepgoing.core.audit import record

    record(store, "report", records=f"{span.start} to {span.end}" + (" (team)" if team else ""))
    target = output or Path(
        f"impact-report-{span.start:%Y-%m-%d}-to-{span.end:%Y-%m-%d}{extension_for(kind)}"
    )
    emit(
        figures,
        lambda figures: _write_page(figures, target, kind=kind, now=now, force=force),
        json_out=json_out,
    )


def _write_page(figures, target: Path, *, kind: str, now, force: bool) -> None:
    """The report as one page (HTML with its charts, or Markdown) in `target`, and a line saying where."""
    from keepgoing.exchange.files import private_output

    if kind == "html":
        from keepgoing.exchange.report_page import render_html

        text = render_html(figures, now=now)
    else:
        from keepgoing.exchange.report_page import render_markdown

        text = render_markdown(figures, now=now)
    with private_output(target, force=force) as out:
        out.write(text)
    say(messages.REPORT_WRITTEN.format(path=user(str(target)), period=figures.span.label()))
    if figures.anonymised:
        warn(messages.REPORT_ANONYMISED)


def _format(given: str | None, output: Path | None) -> str:
    named = FORMATS.get(given.strip().lower()) if given else None
    if given and named is None:
        raise UsageError(f"Unknown report format {given!r}; use html or md.")
    from keepgoing.exchange.files import format_of

    implied = format_of(output, ("html", "markdown"), "report") if output else None
    if named and implied and named != implied:
        raise UsageError(f"--format {given} contradicts the file name {output.name if output else ''}.")
    return named or implied or "html"
