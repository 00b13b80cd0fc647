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

import shutil
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render import _last_contact, _t, console, follow_up_cells, welcome
from keepgoing.dates import describe_day, describe_rhythm
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.followups import FollowUp
    from keepgoing.core.rhythm import DueEntry, DueReport

# A table's title, its header and the rule under it.
TABLE_TOP = 3
# Kept free for the shell's prompt after the screen.
PROMPT = 1
# Follow-ups get at least this many rows when there are people due too, unless fewer are due.
FOLLOW_UPS_AT_LEAST = 3


def screen_lines() -> int:
    """How many lines the screen may use: the terminal's height, or 24 off a terminal."""
    return shutil.get_terminal_size((80, 24)).lines


@dataclass
class Fit:
    """How many people and follow-ups to list (None: all of them)."""

    people: int | None
    follow_ups: int | None


def rows_wanted(lines: int) -> int:
    """The most rows either list could get on a screen of `lines`: what to ask the core for."""
    return max(lines - TABLE_TOP - PROMPT, 1)


def fit_rows(report: DueReport, lines: int, width: int) -> Fit:
    """The most urgent people and follow-ups that fit in `lines` at `width`, with everything around them.

    Follow-ups keep a few rows when people are due too; people get the rest,
    then follow-ups whatever is left. At least one person is listed when any is due.
    """
    budget = lines - PROMPT - _footer_lines(report, width) - _reviews_lines(report)
    people, follow_ups = report.people, report.follow_ups

    def people_lines(n: int) -> int:
        if not people:
            return 1  # "Nobody is due a check-in."
        noted = sum(-(-cell_len(f"  {safe(name)}: {note}") // width) for name, note in _notes(people[:n]))
        return TABLE_TOP + n + noted + (n < report.people_total)

    def follow_up_lines(m: int) -> int:
        if not follow_ups:
            return 0
        return 1 + (TABLE_TOP + m if m else 0) + (m < report.follow_ups_total)

    m = min(len(follow_ups), FOLLOW_UPS_AT_LEAST)
    n = len(people)
    while n > 1 and people_lines(n) + follow_up_lines(m) > budget:
        n -= 1
    while m < len(follow_ups) and people_lines(n) + follow_up_lines(m + 1) <= budget:
        m += 1
    while m > 0 and people_lines(n) + follow_up_lines(m) > budget:
        m -= 1
    return Fit(n, m)


def _footer_lines(report: DueReport, width: int) -> int:
    waiting = [_waiting(report)] if report.people_waiting_to_hear else []
    wrapped = sum(-(-cell_len(line) // width) for line in [*_footer(report), *waiting])
    return wrapped + bool(report.unassigned)


def _reviews_lines(report: DueReport) -> int:
    return 1 + TABLE_TOP + len(report.consent_reviews) if report.consent_reviews else 0


def _footer(report: DueReport) -> list[str]:
    parts = []
    if report.people:
        people = plural(report.people_total, "person")
        parts.append(
            (messages.DUE_SOON_FOOTER if report.within_days else messages.DUE_FOOTER).format(count=people)
        )
    if report.reached_this_week:
        parts.append(messages.REACHED_THIS_WEEK.format(people=plural(report.reached_this_week, "person")))
    if report.wins_this_month:
        parts.append(messages.WINS_THIS_MONTH.format(wins=plural(report.wins_this_month, "win")))
    return [" ".join(parts)] if parts else []


def _notes(people: list[DueEntry]) -> list[tuple[str, str]]:
    """(name, what to know) for each listed person who was tried without an answer, or whose wellbeing fell."""
    notes = []
    for entry in people:
        parts = []
        if entry.tries:
            tries = entry.tries
            times = {1: "once", 2: "twice"}.get(tries.count) or plural(tries.count, "time")
            via = ", ".join(dict.fromkeys(tries.channels))
            day = describe_day(tries.since.astimezone().date())
            parts.append(messages.TRIED_SINCE.format(times=times, day=day, via=via))
            if tries.others:
                parts.append(messages.TRY_OTHERS.format(others=" or ".join(tries.others)))
        if entry.wellbeing_drop:
            parts.append(messages.WELLBEING_DROP.format(drop=entry.wellbeing_drop))
        if parts:
            notes.append((entry.label, "; ".join(parts)))
    return notes


def _reach(entry: DueEntry) -> str:
    detail = {"phone": entry.phone, "text": entry.phone, "email": entry.email}.get(entry.prefers or "")
    if not entry.prefers:
        detail = entry.phone or entry.email
    return " ".join(safe(p) for p in (entry.prefers, detail) if p)


def _due_text(entry: DueEntry) -> Text:
    overdue = entry.days_overdue
    if overdue > 0:
        return Text(f"{plural(overdue, 'day')} over", style="yellow")
    if overdue == 0:
        return Text("today", style="green")
    return Text(f"in {plural(-overdue, 'day')}", style="dim")


def _last(entry: DueEntry, today: date, with_channel: bool) -> Text:
    return _last_contact(entry.last_contact_day, entry.last_contact_via if with_channel else None, today)


def people_table(report: DueReport, people: list[DueEntry], *, team: bool, heading: str, width: int) -> Table:
    """One line a person. Columns 2 apart; the name gives way first, how to reach them never."""
    today = report.today
    reach = [_reach(entry) for entry in people]
    workers = [safe(entry.worker) if entry.worker else messages.NO_WORKER for entry in people]

    def widest(values: list[str], header: str) -> int:
        return max([cell_len(header), *(cell_len(v) for v in values)])

    def last_width(with_channel: bool) -> int:
        return widest([_last(e, today, with_channel).plain for e in people], "Last contact")

    rhythm = widest([describe_rhythm(e.cadence_days) for e in people], "Rhythm")
    due = widest([_due_text(e).plain for e in people], "Due")
    reach_full = widest(reach, "Reach them by")
    # A phone number is never split: the column is at least as wide as the widest one.
    with_phone = [how for how, e in zip(reach, people, strict=True) if e.phone and e.phone in how]
    reach_least = max([cell_len(how) for how in with_phone] + [5])
    worker = min(widest(workers, "Key worker"), 16) if team else 0
    names = widest([safe(e.label) for e in people], "Who")

    def room(columns: list[int]) -> int:
        """What is left of the width for the name beside these columns, 2 apart."""
        shown = [c for c in columns if c]
        return width - sum(shown) - 2 * len(shown)

    # What gives way, in turn: the channel of the last contact, the rhythm, the name down
    # to 12, how to reach them (down to its phone numbers: an email folds), the name to 8.
    with_channel = room([last_width(True), rhythm, due, reach_full, worker]) >= names
    with_rhythm = room([last_width(with_channel), rhythm, due, reach_full, worker]) >= min(names, 12)
    others = [last_width(with_channel), rhythm if with_rhythm else 0, due, worker]
    reach_width = reach_full
    if room([*others, reach_full]) < min(names, 12):
        reach_width = max(reach_least, room(others) - 2 - min(names, 12))
    name_width = max(room([*others, reach_width]), 8)
    table = Table(
        title=heading,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    table.add_column("Who", style="bold", no_wrap=True, overflow="ellipsis", max_width=name_width)
    table.add_column("Last contact", no_wrap=True)
    if with_rhythm:
        table.add_column("Rhythm", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    # Never cut: it is how to reach them.
    table.add_column("Reach them by", overflow="fold", min_width=reach_width, max_width=reach_width)
    if team:
        table.add_column("Key worker", no_wrap=True, overflow="ellipsis", max_width=16)
    for entry, how, whose in zip(people, reach, workers, strict=True):
        cells: list[Any] = [_t(entry.label), _last(entry, today, with_channel)]
        if with_rhythm:
            cells.append(describe_rhythm(entry.cadence_days))
        cells += [_due_text(entry), Text(how) if how else Text("-", style="dim")]
        if team:
            cells.append(Text(whose, style="" if entry.worker else "dim"))
        table.add_row(*cells)
    return table


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
    out = console()
    width = out.width
    today = report.today
    if not report.people and not report.follow_ups and nobody_here:
        welcome(location)
        return
    if report.people:
        whose = f" · {safe(report.worker, inline=True)}'s caseload" if report.worker else ""
        heading = (
            messages.DUE_SOON_TITLE.format(
                days=plural(report.within_days, "day"), whose=whose, day=describe_day(today)
            )
            if report.within_days
            else messages.DUE_TITLE.format(whose=whose, day=describe_day(today))
        )
        shown = report.people[: fit.people]
        out.print(people_table(report, shown, team=team, heading=heading, width=width))
        for name, note in _notes(shown):
            noted = Text("  ", style="dim")
            noted.append_text(_t(name, "dim"))
            noted.append(f": {note}", style="dim")
            out.print(noted, overflow="fold")
        hidden = report.people_total - len(shown)
        if hidden > 0:
            out.print(Text(messages.MORE_DUE.format(count=hidden, command=suggestion), style="dim"))
    else:
        line = messages.NOBODY_DUE.format(tagged=f" tagged {safe(tag, inline=True)}" if tag else "")
        if report.worker:
            line = line[:-1] + messages.IN_CASELOAD.format(worker=safe(report.worker, inline=True))
        if upcoming and not tag and not report.worker:
            line += messages.NEXT_UP.format(
                name=safe(upcoming[0], inline=True), day=describe_day(upcoming[1])
            )
        out.print(Text(line))
    if report.follow_ups:
        shown_follow_ups = report.follow_ups[: fit.follow_ups]
        out.print()
        if shown_follow_ups:
            out.print(follow_ups_table(shown_follow_ups, today, team=team))
        more = report.follow_ups_total - len(shown_follow_ups)
        if more > 0:
            out.print(Text(messages.MORE_FOLLOW_UPS.format(count=more), style="dim"))
    if report.consent_reviews:
        out.print()
        reviews = Table(
            title=messages.CONSENT_TITLE, box=box.SIMPLE_HEAD, title_justify="left", show_edge=False
        )
        reviews.add_column("Who", style="bold", no_wrap=True, overflow="ellipsis")
        reviews.add_column("Consent", no_wrap=True)
        reviews.add_column("Review was due", no_wrap=True)
        for review in report.consent_reviews:
            day = describe_day(date.fromisoformat(review["review_on"]))
            reviews.add_row(_t(review["name"]), _t(review["consent"] or "not recorded"), day)
        out.print(reviews)
    for sentence in _footer(report):
        out.print(Text(sentence, style="dim"))
    if report.people_waiting_to_hear:
        out.print(Text(_waiting(report)))
    if report.unassigned:
        people = plural(report.unassigned, "person")
        out.print(Text(messages.UNASSIGNED_DUE.format(people=people), style="yellow"))


def _waiting(report: DueReport) -> str:
    waiting = report.people_waiting_to_hear
    return messages.UNTOLD_WAITING.format(people="1 person is" if waiting == 1 else f"{waiting} people are")
