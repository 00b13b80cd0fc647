"""How much of the morning screen fits: the most urgent people and follow-ups, and the lines around them.

By default the screen fits the terminal (24 lines off one). Every row is one
line; tries and a wellbeing drop are a line under the table (two when they must).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len

from keepgoing import messages
from keepgoing.date_display import describe_day
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only
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
        noted = sum(-(-cell_len(f"  {safe(name)}: {note}") // width) for name, note in notes(people[:n]))
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
    waits = [waiting(report)] if report.people_waiting_to_hear else []
    wrapped = sum(-(-cell_len(line) // width) for line in [*footer(report), *waits])
    return wrapped + bool(report.unassigned)


def _reviews_lines(report: DueReport) -> int:
    return 1 + TABLE_TOP + len(report.consent_reviews) if report.consent_reviews else 0


def footer(report: DueReport) -> list[str]:
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


def notes(people: list[DueEntry]) -> list[tuple[str, str]]:
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


def waiting(report: DueReport) -> str:
    waiting = report.people_waiting_to_hear
    return messages.UNTOLD_WAITING.format(people="1 person is" if waiting == 1 else f"{waiting} people are")
