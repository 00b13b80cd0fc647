"""Tables and cards for people to read. The only CLI module that imports Rich.

Every piece of user text goes in as a `Text` made by `_t()`, which never
parses markup and shows control characters as visible escapes.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import date
from typing import IO, TYPE_CHECKING, Any, cast

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.output import quoted
from keepgoing.dates import describe_ago, describe_day, describe_rhythm
from keepgoing.text import plural, safe

if TYPE_CHECKING:  # for annotations only: each screen's caller has already loaded its part of the core
    from keepgoing.core.conversations import Conversation
    from keepgoing.core.followups import FollowUp
    from keepgoing.core.person import Person


def console() -> Console:
    # Rich already leaves out colour and styles when stdout is not a terminal,
    # and honours NO_COLOR; highlighting would colour numbers in user text.
    # Off a terminal, lines carry no trailing padding (pipes, files, diffs).
    trimmed = None if sys.stdout.isatty() else cast("IO[str]", _Trimmed(sys.stdout))
    return Console(
        file=trimmed, highlight=False, emoji=False, no_color=bool(os.environ.get("NO_COLOR")) or None
    )


@contextmanager
def paged(use_pager: bool) -> Any:
    """Show what is printed inside through a pager when it is longer than the terminal, as git does.

    The pager is $KEEPGOING_PAGER, else $PAGER, else `less -FRX`; an empty value means none.
    """
    if not use_pager:
        yield
        return
    import io
    import shutil
    import subprocess

    real, captured = sys.stdout, io.StringIO()
    sys.stdout = captured
    try:
        yield
    finally:
        sys.stdout = real
    text = captured.getvalue()
    command = os.environ.get("KEEPGOING_PAGER", os.environ.get("PAGER", "less -FRX"))
    if text.count("\n") < shutil.get_terminal_size().lines or not command.strip():
        real.write(text)
        return
    try:
        subprocess.run(command, shell=True, input=text, text=True, check=False)
    except OSError:
        real.write(text)


class _Trimmed:
    """A stream that drops the spaces Rich pads table lines with, before each newline."""

    _PADDING = re.compile(r"[ \t]+(?=\n)")

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        return int(self.stream.write(self._PADDING.sub("", text)))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.stream.fileno()


def _t(value: str | None, style: str = "") -> Text:
    return Text(safe(value or ""), style=style)


def welcome(location: str) -> None:
    """The empty store's screen: where the store is, and three things to try."""
    out = console()
    out.print(Text(messages.WELCOME, style="bold"))
    out.print(_t(messages.WELCOME_STORE.format(location=location)))
    out.print()
    for line in (
        'keepgoing add "Sam Okafor" --every 2w --prefers phone',
        'keepgoing log sam --via phone --note "Talked about the allotment"',
        "keepgoing due",
    ):
        out.print(Text("  " + line, style="cyan"))
    out.print()
    out.print(Text(messages.WELCOME_HELP))


def _last_contact(day: date | None, via: str | None, today: date) -> Text:
    if day is None:
        return Text("never", style="dim")
    text = describe_ago((today - day).days)
    return Text(f"{text} · {via}" if via else text)


def follow_up_cells(item: FollowUp, today: date, *, team: bool, short: bool = False) -> list[Any]:
    """A follow-up's row: number, for whom, what, when due (`short`: the morning screen's), whose."""
    if item.due_on is None:
        due_text = Text("-", style="dim")
    elif item.is_overdue(today):
        late = "" if short else f" ({plural((today - item.due_on).days, 'day')} ago)"
        due_text = Text(f"overdue: {describe_day(item.due_on)}{late}", style="bold yellow")
    elif item.due_on == today:
        due_text = Text("today", style="green")
    else:
        due_text = Text(describe_day(item.due_on))
    if item.consent_withdrawn:
        mark = messages.CONSENT_WITHDRAWN_SHORT if short else messages.CONSENT_WITHDRAWN_MARK
        due_text.append(f" ({mark})", style="magenta")
    cells: list[Any] = [str(item.id), _t(item.person_label), _t(item.text), due_text]
    if team:
        cells.append(_t(item.worker) if item.worker else Text(messages.NO_WORKER, style="dim"))
    return cells


def follow_ups_table(
    items: list[FollowUp],
    today: date,
    *,
    title: str,
    empty: str,
    limit: int | None = None,
    team: bool = False,
) -> None:
    out = console()
    if not items:
        if empty:
            out.print(Text(empty))
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("For", style="bold")
    table.add_column("What", overflow="fold")
    table.add_column("Due")
    if team:
        table.add_column("Whose")
    for item in items[:limit]:
        table.add_row(*follow_up_cells(item, today, team=team))
    out.print(table)
    if limit is not None and len(items) > limit:
        out.print(Text(f"…and {len(items) - limit} more (keepgoing followups, or --json).", style="dim"))


def finished_follow_ups(items: list[FollowUp]) -> None:
    """Done and cancelled follow-ups, latest first: when, and (cancelled) by whom."""
    out = console()
    if not items:
        out.print(Text("No done or cancelled follow-ups."))
        return
    table = Table(title="Done and cancelled follow-ups", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("For", style="bold")
    table.add_column("What", overflow="fold")
    table.add_column("Done or cancelled")
    for item in items:
        moment = item.cancelled_at or item.done_at
        assert moment is not None
        what = f"{item.status} {describe_day(moment.astimezone().date())}"
        late = item.status == "done" and item.due_on is not None and moment.astimezone().date() > item.due_on
        cell = Text(what + (" (late)" if late else ""), style="dim" if item.status == "cancelled" else "")
        if item.cancelled_by:
            cell.append(" by ").append_text(_t(item.cancelled_by))
        table.add_row(str(item.id), _t(item.person_label), _t(item.text), cell)
    out.print(table)


def people_table(people: list[Person], today: date, *, tag: str | None, total: int | None = None) -> None:
    """The people listed; `total`: how many there are in all, when a --limit left some out."""
    out = console()
    if not people:
        out.print(Text(f"Nobody tagged {safe(tag, inline=True)}." if tag else "Nobody to show."))
        return
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Name", style="bold")
    table.add_column("Organisation")
    table.add_column("Tags")
    table.add_column("Rhythm")
    table.add_column("Last contact", no_wrap=True)
    table.add_column("Status")
    team = any(person.worker for person in people)  # a personal store has no key workers
    if team:
        table.add_column("Key worker")
    for person in people:
        status = person.status(today)
        status_text = {
            "paused": (f"paused to {describe_day(person.paused_until)}" if person.paused_until else "paused")
            + (f": {person.pause_reason}" if person.pause_reason else ""),
            "archived": "archived",
        }.get(status, "due" if person.is_due(today) else f"next {describe_day(person.due_on)}")
        if status == "active" and not person.is_active(today):
            status_text = "consent withdrawn"
        cells: list[Any] = [
            _t(person.label),
            _t(person.organisation),
            _t(", ".join(person.tags)),
            describe_rhythm(person.cadence_days),
            _last_contact(person.last_contact_day, person.last_contact_via, today),
            Text(status_text, style="dim" if status != "active" else ""),
        ]
        if team:
            cells.append(_t(person.worker))
        table.add_row(*cells)
    out.print(table)
    hidden = (total or len(people)) - len(people)
    if hidden > 0:
        out.print(
            Text(messages.MORE_PEOPLE.format(count=hidden, total=plural(total or 0, "person")), style="dim")
        )
    else:
        out.print(Text(f"{plural(len(people), 'person')}.", style="dim"))


SPARKS = " ▁▃▅▇█"


def sparkline(scores: Sequence[int]) -> str:
    """Wellbeing scores 1-5 as a small bar per check-in, oldest first."""
    return "".join(SPARKS[score] for score in scores if 1 <= score <= 5)


def person_card(
    person: Person,
    conversations: list[Conversation],
    total: int,
    follow_ups: list[FollowUp],
    today: date,
    *,
    notes: Sequence[Any] = (),
    ideas: Sequence[Any] = (),
    wellbeing: Sequence[int] = (),
    measures: Sequence[Any] = (),
) -> None:
    out = console()
    out.print(_t(person.label, "bold"))
    card = Table.grid(padding=(0, 2))
    card.add_column(style="dim")
    card.add_column()

    def row(label: str, value: str | None) -> None:
        if value:
            card.add_row(label, _t(value))

    row("Also known as", ", ".join(person.aliases))
    row("Organisation", person.organisation)
    row("Role", person.role)
    row("Phone", person.phone)
    row("Email", person.email)
    row("Prefers", person.prefers)
    row("Tags", ", ".join(person.tags))
    row("Key worker", person.worker)
    card.add_row("Rhythm", describe_rhythm(person.cadence_days))
    last = person.last_contact_day
    card.add_row("Last contact", _last_contact(last, person.last_contact_via, today))
    status = person.status(today)
    if status == "archived":
        card.add_row("Status", "archived")
    elif status == "paused":
        why = f": {person.pause_reason}" if person.pause_reason else ""
        card.add_row("Status", _t(f"paused until {describe_day(person.paused_until or today)}{why}"))
    elif person.consent == "withdrawn":
        card.add_row("Next due", "never: consent to be contacted withdrawn")
    else:
        card.add_row("Next due", describe_day(person.due_on))
    row("What matters", person.note)
    if person.consent or person.consent_review_on:
        terms = [person.consent or "not recorded"]
        if person.consent_channels:
            terms.append("by " + person.consent_channels.replace(",", ", "))
        if person.consent_on:
            terms.append(f"since {describe_day(person.consent_on)}")
        if person.consent_review_on:
            terms.append(f"review {describe_day(person.consent_review_on)}")
        card.add_row("Consent", _t("; ".join(terms)))
        row("Their terms", person.consent_note)
    if wellbeing:
        trend = Text(sparkline(wellbeing), style="cyan")
        trend.append(f"  latest {wellbeing[-1]}/5")
        if person.wellbeing_drop:
            trend.append(f"  (dropped {person.wellbeing_drop})", style="magenta")
        card.add_row("Wellbeing", trend)
    for latest in measures:
        card.add_row(_t(latest.measure.title), _measure_scores(latest))
    out.print(card)
    for licence in dict.fromkeys(latest.measure.licence for latest in measures):
        out.print(_t(licence, "dim"))
    if notes:
        out.print()
        out.print(Text("What matters to them", style="bold"))
        for item in notes:
            out.print(
                Text("  • ")
                .append(_t(item.text))
                .append(f"  ({describe_day(item.created_at.astimezone().date())})", style="dim")
                .append("  private" if getattr(item, "private", False) else "", style="dim")
            )
    if ideas:
        out.print()
        ideas_table(ideas)
    open_items = [f for f in follow_ups if f.status == "open"]
    if open_items:
        out.print()
        # In a team (a key worker, or promises by several people), say whose each one is.
        team = bool(person.worker) or len({item.worker for item in open_items}) > 1
        follow_ups_table(open_items, today, title="Open follow-ups", empty="", team=team)
    finished = [f for f in follow_ups if f.status != "open"]
    if finished:
        out.print()
        out.print(Text(f"Done and cancelled follow-ups ({len(finished)})", style="italic"))
        for item in finished:
            moment = item.cancelled_at or item.done_at
            assert moment is not None
            out.print(
                Text(f"  #{item.id} ")
                .append(_t(item.text))
                .append(f"  ({item.status} {describe_day(moment.astimezone().date())})", style="dim")
            )
    out.print()
    if not conversations:
        out.print(
            Text(
                "No conversations yet. Log one with: keepgoing log " + safe(quoted(person.name), inline=True)
            )
        )
        return
    # Who logged what matters only once more than one worker has; empty columns are left
    # out, so that on a narrow terminal the notes keep their room.
    loggers = len({item.logged_by for item in conversations}) > 1
    together = any(name != person.name for item in conversations for name in item.people)
    scored = any(item.wellbeing or item.feeling for item in conversations)
    table = Table(title=f"Conversations ({total})", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("When", no_wrap=True)
    table.add_column("How")
    if together:
        table.add_column("With")
    if scored:
        table.add_column("Wellbeing", justify="center")
    table.add_column("Note", overflow="fold", ratio=1)
    if loggers:
        table.add_column("Logged by")
    for item in conversations:
        others = [name for name in item.people if name != person.name]
        how = (
            item.via
            + ("" if item.reached else " (no answer)")
            + (f"\n{item.group}" if item.group else "")
            + ("\nprivate" if item.private else "")
        )
        feeling = (str(item.wellbeing) if item.wellbeing else "") + (
            f" {item.feeling}" if item.feeling else ""
        )
        cells: list[Any] = [str(item.id), item.describe_when(), _t(how)]
        if together:
            cells.append(_t(", ".join(others)))
        if scored:
            cells.append(_t(feeling.strip()))
        cells.append(_t(item.note))
        table.add_row(*cells, *([_t(item.logged_by)] if loggers else []))
    out.print(table)
    if total > len(conversations):
        out.print(Text(f"…and {total - len(conversations)} earlier (keepgoing show --all).", style="dim"))


def stats_chart(data: dict[str, Any]) -> None:
    """Conversations per period as a bar chart, then the headline figures."""
    out = console()
    periods = data["periods"]
    numbers = [p["conversations"] for p in periods if isinstance(p["conversations"], int)]
    widest = max(numbers, default=0) or 1
    table = Table(
        title=f"Conversations by {data['by']} since {data['since']}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("From")
    table.add_column("Conversations")
    table.add_column("People", justify="right")
    for period in periods:
        count = period["conversations"]
        bar = "█" * round(28 * count / widest) if isinstance(count, int) else ""
        table.add_row(period["start"], Text.assemble((bar, "cyan"), f" {count}"), str(period["people"]))
    out.print(table)
    channels = ", ".join(f"{name} {count}" for name, count in data["channels"].items() if count)
    out.print(Text(f"By channel: {channels or 'none yet'}"))
    out.print(Text(f"People reached: {data['people_reached']}"))
    out.print(Text(f"Due a check-in now: {data['overdue_now']} (a month ago: {data['overdue_month_ago']})"))
    if data["wellbeing_average"] is not None:
        out.print(
            Text(f"Average wellbeing: {data['wellbeing_average']} from {data['wellbeing_count']} check-ins")
        )


def search_results(results: list[Any], query: str, today: date) -> None:
    out = console()
    if not results:
        out.print(Text(f"Nothing found for {safe(query, inline=True)}."))
        return
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("When")
    table.add_column("Found in")
    table.add_column("Who", style="bold")
    table.add_column("What")
    for result in results:
        when = describe_day(result.when.astimezone().date()) if result.when else ""
        where = result.kind if result.kind == "person" else f"{result.kind} #{result.id}"
        table.add_row(when, where, _t(", ".join(result.people)), highlighted(result.snippet))
    out.print(table)


def highlighted(snippet: str) -> Text:
    """A search snippet with its matches (between \\x02 and \\x03) in bold; the rest literal."""
    text = Text()
    for i, part in enumerate(snippet.replace("\x03", "\x02").split("\x02")):
        text.append(safe(part, inline=True), style="bold reverse" if i % 2 else "")
    return text


def ideas_table(ideas: Sequence[Any], empty: str = messages.NO_IDEAS) -> None:
    out = console()
    if not ideas:
        out.print(Text(empty))
        return
    table = Table(title="Ideas", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("From", style="bold")
    table.add_column("Idea")
    table.add_column("Status")
    table.add_column("What became of it")
    table.add_column("Told")
    for item in ideas:
        told = (
            describe_day(item.told_at.astimezone().date())
            if item.told_at
            else ("not yet" if item.untold else "")
        )
        table.add_row(str(item.id), _t(item.raised_by), _t(item.text), item.status, _t(item.outcome), told)
    out.print(table)


def groups_table(groups: list[Any]) -> None:
    out = console()
    if not groups:
        out.print(Text('No groups yet: keepgoing group add "Tuesday walking group" --every weekly'))
        return
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Group", style="bold")
    table.add_column("Meets")
    table.add_column("Members")
    for group in groups:
        meets = describe_rhythm(group.cadence_days) if group.cadence_days else ""
        table.add_row(_t(group.name), meets, _t(", ".join(group.members)))
    out.print(table)


def group_card(detail: Any) -> None:
    out = console()
    group = detail.group
    out.print(_t(group.name, "bold"))
    if group.cadence_days:
        out.print(
            Text(
                f"Meets {describe_rhythm(group.cadence_days)}; {plural(len(detail.sessions), 'session')} logged."
            )
        )
    if detail.attendance:
        table = Table(title="Attendance", box=box.SIMPLE_HEAD, title_justify="left")
        table.add_column("Who", style="bold")
        table.add_column("Came to", justify="right")
        for name, count in sorted(detail.attendance.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
            visiting = f" {messages.VISITOR_MARK}" if name in detail.visitors else ""
            table.add_row(_t(name + visiting), f"{count} of {len(detail.sessions)}")
        out.print(table)
    if detail.stopped_coming:
        out.print(
            Text(
                messages.STOPPED_COMING.format(names=safe(", ".join(detail.stopped_coming), inline=True)),
                style="magenta",
            )
        )
    if detail.sessions:
        sessions = Table(title="Sessions", box=box.SIMPLE_HEAD, title_justify="left")
        sessions.add_column("When")
        sessions.add_column("Who came")
        sessions.add_column("Note")
        for session in detail.sessions[:20]:
            sessions.add_row(
                describe_day(session.when.astimezone().date()),
                _t(
                    ", ".join(
                        name + (f" ({session.scores[name]})" if name in session.scores else "")
                        for name in session.present
                    )
                ),
                _t(session.note),
            )
        out.print(sessions)


def wins_view(wins: list[Any]) -> None:
    out = console()
    if not wins:
        out.print(Text(messages.NO_WINS))
        return
    out.print(Text(f"{plural(len(wins), 'small win')} to celebrate", style="bold green"))
    for item in wins:
        line = Text("  ★ ", style="yellow")
        line.append(safe(item.text, inline=True))
        extras = ", ".join([*item.people, *([item.group] if item.group else [])])
        if extras:
            line.append(f"  with {safe(extras, inline=True)}", style="dim")
        line.append(f"  {describe_day(item.when.astimezone().date())}", style="dim")
        out.print(line)


def measures_table(measures: list[Any]) -> None:
    out = console()
    table = Table(box=box.SIMPLE_HEAD, title=messages.MEASURE_LIST_TITLE)
    table.add_column("Measure", style="bold")
    table.add_column("Items")
    table.add_column("Scored")
    table.add_column("Licence")
    for measure in measures:
        ranges = sorted({f"{int(p.low)}-{int(p.high)}" for p in measure.items})
        table.add_row(
            _t(measure.name),
            Text(f"{len(measure.items)} ({', '.join(ranges)})"),
            Text("by item" if measure.scoring == "none" else measure.scoring),
            _t(measure.licence),
        )
    out.print(table)


def _measure_scores(latest: Any) -> Text:
    """ "Life satisfaction 7 (+2), ... · 3 Dec 2026": the latest answers, and each one's change."""
    from keepgoing.cli.measure_input import number

    shown = Text()
    for part in latest.measure.parts:
        if part.key not in latest.values:
            continue
        if shown:
            shown.append(", ")
        shown.append(f"{part.label} {number(latest.values[part.key])}")
        change = latest.change(part.key)
        if change is not None:
            shown.append(f" ({'+' if change > 0 else ''}{number(change)})" if change else " (=)", style="dim")
    when = describe_day(latest.when.astimezone().date())
    shown.append(f"  {when}", style="dim")
    if latest.previous_when is not None:
        since = messages.MEASURE_CHANGE.format(day=describe_day(latest.previous_when.astimezone().date()))
        shown.append(f" ({since})", style="dim")
    return shown


def monitoring_block(held: Any) -> None:
    """`show --monitoring`: their consent to monitoring and each dated record, newest first."""
    from keepgoing.core.monitoring import FIELD_LABELS, FIELDS, label

    out = console()
    out.print()
    out.print(Text(messages.MONITOR_TITLE, style="bold"))
    if held.consent_on is None:
        out.print(Text(messages.MONITOR_NONE, style="dim"))
        return
    out.print(Text(messages.MONITOR_CONSENT_LINE.format(day=describe_day(held.consent_on))))
    if not held.records:
        out.print(Text(messages.MONITOR_NO_RECORDS, style="dim"))
        return
    for item in held.records:
        card = Table.grid(padding=(0, 2))
        card.add_column(style="dim")
        card.add_column()
        card.add_row("Asked", describe_day(item.asked_on))
        for name in FIELDS:
            card.add_row(FIELD_LABELS[name], _t(label(name, item.answers[name])))
        out.print(card)
