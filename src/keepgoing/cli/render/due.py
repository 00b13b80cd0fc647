"""The morning screen: who is due a check-in, and which follow-ups are due, in one terminal.

By default the screen fits the terminal (24 lines off one): the most urgent
people and follow-ups that fit, then how many more and the command that lists
them. Every row is one line: a detail that would make a row wrap is left out
(the channel of the last contact first, then the start of a long name), and
how to reach someone is never cut. Tries and a wellbeing drop are a line
under the table (two when they must). `--all` and `--limit N` list more; `--json` lists
everyone.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.due_fit import Fit, fit_rows, footer, notes, rows_wanted, screen_lines, waiting
from keepgoing.cli.render.due_people import people_table
from keepgoing.cli.render.empty import welcome
from keepgoing.cli.render.followups import follow_up_cells
from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.followups import FollowUp
    from keepgoing.core.rhythm import ConsentReview, DueReport

# What the due command needs of the screen, besides the screen itself.
__all__ = ["Fit", "due_screen", "fit_rows", "rows_wanted", "screen_lines"]


def follow_ups_table(items: list[FollowUp], today: date, *, team: bool) -> Table:
    """One line a promise: the text gives way (`keepgoing followups` shows it whole)."""
    table = Table(
        title="Follow-ups due",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("For", style="bold", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("What", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("Due", no_wrap=True)
    if team:
        table.add_column("Whose", no_wrap=True, overflow="ellipsis", max_width=16)
    for item in items:
        table.add_row(*follow_up_cells(item, today, team=team, short=True))
    return table


def reviews_table(reviews: list[ConsentReview]) -> Table:
    """Whose consent is due to be checked again."""
    table = Table(title=messages.CONSENT_TITLE, box=box.SIMPLE_HEAD, title_justify="left", show_edge=False)
    table.add_column("Who", style="bold", no_wrap=True, overflow="ellipsis")
    table.add_column("Consent", no_wrap=True)
    table.add_column("Review was due", no_wrap=True)
    for review in reviews:
        table.add_row(
            literal(review.name), literal(review.consent or "not recorded"), describe_day(review.review_on)
        )
    return table


def _heading(report: DueReport) -> str:
    whose = f" · {safe(report.worker, inline=True)}'s caseload" if report.worker else ""
    day = describe_day(report.today)
    if report.within_days:
        return messages.DUE_SOON_TITLE.format(days=plural(report.within_days, "day"), whose=whose, day=day)
    return messages.DUE_TITLE.format(whose=whose, day=day)


def _people(report: DueReport, fit: Fit, *, suggestion: str, team: bool) -> None:
    out = console()
    shown = report.people[: fit.people]
    out.print(people_table(report, shown, team=team, heading=_heading(report), width=out.width))
    for name, note in notes(shown):
        noted = Text("  ", style="dim")
        noted.append_text(literal(name, "dim"))
        noted.append(f": {note}", style="dim")
        out.print(noted, overflow="fold")
    hidden = report.people_total - len(shown)
    if hidden > 0:
        out.print(Text(messages.MORE_DUE.format(count=hidden, command=suggestion), style="dim"))


def _nobody(report: DueReport, tag: str | None, upcoming: tuple[str, date] | None) -> None:
    line = messages.NOBODY_DUE.format(tagged=f" tagged {safe(tag, inline=True)}" if tag else "")
    if report.worker:
        line = line[:-1] + messages.IN_CASELOAD.format(worker=safe(report.worker, inline=True))
    if upcoming and not tag and not report.worker:
        line += messages.NEXT_UP.format(name=safe(upcoming[0], inline=True), day=describe_day(upcoming[1]))
    console().print(Text(line))


def _follow_ups(report: DueReport, fit: Fit, *, team: bool) -> None:
    out = console()
    shown = report.follow_ups[: fit.follow_ups]
    out.print()
    if shown:
        out.print(follow_ups_table(shown, report.today, team=team))
    more = report.follow_ups_total - len(shown)
    if more > 0:
        out.print(Text(messages.MORE_FOLLOW_UPS.format(count=more), style="dim"))


def _foot(report: DueReport) -> None:
    out = console()
    if report.consent_reviews:
        out.print()
        out.print(reviews_table(report.consent_reviews))
    for sentence in footer(report):
        out.print(Text(sentence, style="dim"))
    if report.people_waiting_to_hear:
        out.print(Text(waiting(report)))
    if report.unassigned:
        people = plural(report.unassigned, "person")
        out.print(Text(messages.UNASSIGNED_DUE.format(people=people), style="yellow"))


def due_screen(
    report: DueReport,
    *,
    fit: Fit,
    suggestion: str,
    tag: str | None,
    team: bool = False,
    nobody_here: bool = False,
    location: str = "",
    upcoming: tuple[str, date] | None = None,
) -> None:
    """The morning screen, `fit` rows of each list. `suggestion`: the command that lists everyone;
    `nobody_here`: an empty store (the welcome, which says it is at `location`); `upcoming`: who is next."""
    if not report.people and not report.follow_ups and nobody_here:
        welcome(location)
        return
    if report.people:
        _people(report, fit, suggestion=suggestion, team=team)
    else:
        _nobody(report, tag, upcoming)
    if report.follow_ups:
        _follow_ups(report, fit, team=team)
    _foot(report)
