"""The impact report's figures: reach, rhythm, promises, wellbeing, ideas, groups and wins.

Counts are aggregated in portable SQL (GROUP BY, CASE; SQLite and PostgreSQL
alike) over the covering index `ix_conversation_report`, with local-time
boundaries (months, the period's edges) worked out in Python and passed in as
instants. The rhythm needs each person's contacts in order, but only from
their last contact before the period: that is one GROUP BY over a recent
window and an indexed look-up for the rest, then the period's own contacts
(never the whole history, which at 1,000,000 conversations took most of the
time to sort). The period rules are those of `stats` and `export
--since/--until`: from the start of the first day to the end of the last, in
local time.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from statistics import median
from typing import Any

from keepgoing.clock import start_of_day
from keepgoing.core.stats import SMALL
from keepgoing.errors import BadInput
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import EARLIEST, LATEST, as_date, as_datetime

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass
class Span:
    """A report's period, from its first day to its last."""

    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Span:
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Span(end - timedelta(days=self.days - 1), end)

    @property
    def is_quarter(self) -> bool:
        return (
            self.start.day == 1
            and self.start.month in (1, 4, 7, 10)
            and self.end == _month_end(self.start.replace(month=self.start.month + 2))
        )

    def label(self) -> str:
        if self.is_quarter:
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"


def parse_period(text: str) -> Span:
    """ "2026Q3", "2026-Q3", "2026-09" or "2026" as the days it covers."""
    words = text.strip()
    if match := _QUARTER.match(words):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Span(start, _month_end(date(year, 3 * quarter, 1)))
    if (match := _MONTH.match(words)) and 1 <= int(match[2]) <= 12:
        start = date(int(match[1]), int(match[2]), 1)
        return Span(start, _month_end(start))
    if match := _YEAR.match(words):
        return Span(date(int(match[1]), 1, 1), date(int(match[1]), 12, 31))
    raise BadInput(f'Could not read "{text}" as a period: try 2026Q3, 2026-09 or 2026.')


def current_quarter(today: date) -> Span:
    """This quarter so far: from its first day to today."""
    return Span(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# A contact: when, its local day, the wellbeing score given, who logged it.
Contact = tuple[datetime, date, int | None, str | None]


@dataclass
class Rhythm:
    """How well check-ins kept to each person's rhythm in the period."""

    check_ins: int = 0  # conversations in the period that followed an earlier contact
    on_time: int = 0  # ... within the person's rhythm
    went_overdue: int = 0  # people overdue at some point in the period
    overdue_days: list[int] = field(default_factory=list)
    due_now: int | None = None  # people due a check-in today, as `due` counts them (None: not this period)

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.check_ins if self.check_ins else None


@dataclass
class GroupFigures:
    """One group's sessions in the period and the attendance across them."""

    name: str
    sessions: int
    attendance: int

    @property
    def average(self) -> float:
        return self.attendance / self.sessions if self.sessions else 0.0


@dataclass
class HeardIdea:
    """An idea raised in the period, what was done, and whether the person who raised it was told."""

    status: str
    text: str
    outcome: str | None
    told: bool

    @property
    def decided(self) -> bool:
        from keepgoing.core.ideas import OUTCOMES

        return self.status in OUTCOMES


@dataclass
class Report:
    """The impact report's figures for a period, with the period before for comparison."""

    span: Span
    previous: Span
    scope: str  # "the team", or a worker's name
    anonymised: bool
    conversations: int = 0  # that reached someone
    previous_conversations: int = 0
    no_answer: int = 0  # tries that reached nobody (log --no-answer), not in `conversations`
    people_in_touch: int = 0
    previous_people: int = 0
    new_people: int = 0
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_channel: dict[str, int] = field(default_factory=dict)
    previous_by_channel: dict[str, int] = field(default_factory=dict)
    rhythm: Rhythm = field(default_factory=Rhythm)
    follow_ups_made: int = 0
    done_on_time: int = 0
    done_late: int = 0
    still_open: int = 0
    cancelled: int = 0  # no longer stand: neither kept nor late
    wellbeing: dict[str, int] = field(default_factory=lambda: {"rose": 0, "held": 0, "fell": 0})
    ideas: dict[str, int] = field(default_factory=dict)
    idea_texts: list[tuple[str, str]] = field(default_factory=list)  # (status, text)
    heard: list[HeardIdea] = field(default_factory=list)  # "You said, we did", oldest first
    groups: list[GroupFigures] = field(default_factory=list)
    wins: list[tuple[date, str]] = field(default_factory=list)
    measures: list[Any] = field(default_factory=list)  # core/measures.py: MeasureFigures
    who_we_reached: list[Any] = field(default_factory=list)  # core/monitoring.py: FieldFigures

    def to_json(self) -> dict[str, Any]:
        """Every figure, for scripts (`report --json`); counts under 5 as "<5" when anonymised."""
        n = self.count
        overdue = longest_and_median(self.rhythm.overdue_days)
        return {
            "period": {"start": self.span.start.isoformat(), "end": self.span.end.isoformat()},
            "previous_period": {
                "start": self.previous.start.isoformat(),
                "end": self.previous.end.isoformat(),
            },
            "scope": self.scope,
            "anonymised": self.anonymised,
            "summary": self.summary(),
            "reach": {
                "people_in_touch": n(self.people_in_touch),
                "new_people": n(self.new_people),
                "continuing_people": n(self.continuing_people),
                "previous_people": n(self.previous_people),
                "conversations": n(self.conversations),
                "previous_conversations": n(self.previous_conversations),
                "attempts": n(self.attempts),
                "reached": n(self.conversations),
                "no_answer": n(self.no_answer),
                "by_month": {month: n(count) for month, count in self.by_month},
                "by_channel": {k: n(v) for k, v in self.by_channel.items()},
                "previous_by_channel": {k: n(v) for k, v in self.previous_by_channel.items()},
            },
            "rhythm": {
                "check_ins": n(self.rhythm.check_ins),
                "on_time": n(self.rhythm.on_time),
                "went_overdue": n(self.rhythm.went_overdue),
                "longest_overdue_days": overdue[0] if overdue and not self.anonymised else None,
                "median_overdue_days": overdue[1] if overdue and not self.anonymised else None,
                "due_now": None if self.rhythm.due_now is None else n(self.rhythm.due_now),
            },
            "promises": {
                "made": n(self.follow_ups_made),
                "done_on_time": n(self.done_on_time),
                "done_late": n(self.done_late),
                "still_open": n(self.still_open),
                "cancelled": n(self.cancelled),
            },
            "wellbeing": {k: n(v) for k, v in self.wellbeing.items()},
            "ideas": {k: n(v) for k, v in self.ideas.items()},
            "idea_texts": [{"status": s, "text": t} for s, t in self.idea_texts],
            "you_said_we_did": {
                "by_status": {k: n(v) for k, v in self.ideas.items()},
                "told": n(self.ideas_told),
                "not_told": n(self.ideas_not_told),
                "still_open": n(self.ideas_still_open),
                "ideas": [
                    {"status": i.status, "text": i.text, "outcome": i.outcome, "told": i.told}
                    for i in self.heard
                ],
            },
            "groups": [
                {"name": g.name, "sessions": n(g.sessions), "attendance": n(g.attendance)}
                for g in self.groups
            ],
            "wins": [{"day": d.isoformat(), "text": t} for d, t in self.wins],
            "measures": [m.to_json(self.count) for m in self.measures],
            # Equality monitoring: always suppressed (core/monitoring.py), anonymised or not.
            "who_we_reached": [f.to_json() for f in self.who_we_reached],
        }

    @property
    def ideas_told(self) -> int:
        """Ideas of the period whose author was told what became of them."""
        return sum(1 for i in self.heard if i.told)

    @property
    def ideas_not_told(self) -> int:
        """Decided, and nobody has told the person who raised it yet."""
        return sum(1 for i in self.heard if i.decided and not i.told)

    @property
    def ideas_still_open(self) -> int:
        return sum(1 for i in self.heard if not i.decided and not i.told)

    @property
    def attempts(self) -> int:
        """Every try, answered or not: "41 attempts, 29 reached"."""
        return self.conversations + self.no_answer

    @property
    def continuing_people(self) -> int:
        return self.people_in_touch - self.new_people

    # The groups table, the same on the page and in Markdown.
    group_headings = ("Group", "Sessions", "Average attendance")

    def group_rows(self) -> list[tuple[str, int | str, str]]:
        """Each group's name, sessions and average attendance (under 5 in all is "<5" when anonymised)."""
        return [
            (
                g.name,
                self.count(g.sessions),
                "<5" if self.anonymised and g.attendance < SMALL else f"{g.average:.1f}",
            )
            for g in self.groups
        ]

    def count(self, value: int) -> int | str:
        """A count as a report may show it: under 5 is "<5" when anonymised."""
        return "<5" if self.anonymised and 0 < value < SMALL else value

    def summary(self) -> str:
        """The plain-language paragraph at the top."""
        who = "the team was" if self.scope == "the team" else f"{self.scope} was"
        period = "This quarter" if self.span.is_quarter else "In this period"
        parts = [
            f"{period} {who} in touch with {self._people(self.people_in_touch)}"
            + (f" ({self.count(self.new_people)} of them new)" if self.new_people else "")
            + f", over {self._n(self.conversations, 'conversation')}"
            + f" ({self._change(self.conversations, self.previous_conversations)})."
        ]
        if self.no_answer:
            parts.append(f"{self._n(self.attempts, 'attempt')}, {self.count(self.conversations)} reached.")
        share = self.rhythm.share_on_time
        if share is not None:
            parts.append(f"{round(share * 100)}% of check-ins came within each person's rhythm.")
        if self.follow_ups_made:
            kept = self.done_on_time + self.done_late
            parts.append(
                f"Of {self._n(self.follow_ups_made, 'promise')} made, {self.count(kept)} kept "
                f"({self.count(self.done_on_time)} on time) and {self.count(self.still_open)} still open"
                + (f"; {self.count(self.cancelled)} cancelled." if self.cancelled else ".")
            )
        heard = sum(self.ideas.values())
        if heard or self.wins:
            parts.append(
                f"People shared {self._n(heard, 'idea')}; {self._n(len(self.wins), 'small win')} to celebrate."
            )
        return " ".join(parts)

    def _n(self, value: int, word: str) -> str:
        shown = self.count(value)
        return f"{shown} {word}" + ("" if shown == 1 else "s")

    def _people(self, value: int) -> str:
        shown = self.count(value)
        return f"{shown} " + ("person" if shown == 1 else "people")

    def _change(self, now: int, before: int) -> str:
        if self.anonymised and (0 < now < SMALL or 0 < before < SMALL):
            return "against the period before"
        if before == 0:
            return "none the period before"
        change = round((now - before) * 100 / before)
        if change == 0:
            return "the same as the period before"
        return f"{'up' if change > 0 else 'down'} {abs(change)}% on the period before"


def build_report(
    store: Store,
    span: Span,
    *,
    worker: str | None = None,
    anonymise: bool = False,
    today: date | None = None,
) -> Report:
    """Every figure of the report for `span`; `worker`: only what they logged and their people.

    No day after `today` counts as overdue (a period still running, or one to come).
    With `today` in the period, how many are due a check-in now (their people, for a `worker`).
    """
    previous = span.before()
    report = Report(span, previous, worker or "the team", anonymise)
    start, end = start_of_day(span.start), start_of_day(span.end + timedelta(days=1))
    before_start = start_of_day(previous.start)
    mine = " AND c.logged_by = :worker" if worker else ""
    params: dict[str, Any] = {"start": start, "end": end, "before": before_start, "worker": worker}
    horizon = min(end, start_of_day(today + timedelta(days=1))) if today else end
    with store.read():
        _reach(store, report, mine, params)
        _rhythm_and_wellbeing(store, report, params, worker, horizon)
        _promises(store, report, params, worker)
        _ideas_groups_wins(store, report, mine, params, worker)
        from keepgoing.core.measures import measure_figures

        report.measures = measure_figures(store, start, end, worker)
        from keepgoing.core.monitoring import who_we_reached

        report.who_we_reached = who_we_reached(store, params, mine, span.end)
        if today is not None and span.start <= today <= span.end:
            from keepgoing.core.rhythm import count_due

            report.rhythm.due_now = count_due(store, today=today, worker=worker)
    return report


def _reach(store: Store, report: Report, mine: str, params: dict[str, Any]) -> None:
    """Counted in SQL: conversations by month (local months), channel and period, tries apart."""
    labels: list[str] = []
    bounds: dict[str, Any] = {}
    month = report.span.start.replace(day=1)
    while month <= report.span.end:
        labels.append(f"{month:%b %Y}")
        month = (month + timedelta(days=32)).replace(day=1)
        bounds[f"m{len(labels)}"] = start_of_day(month)
    # Bucket -1: the period before; 0..n-1: the months of this one (the last takes the rest).
    bucket = (
        "CASE WHEN c.occurred_at < :start THEN -1 "
        + "".join(f"WHEN c.occurred_at < :m{i + 1} THEN {i} " for i in range(len(labels) - 1))
        + f"ELSE {len(labels) - 1} END"
    )
    months = dict.fromkeys(labels, 0)
    channels: dict[str, tuple[int, Any]] = {}
    previous_channels: dict[str, tuple[int, Any]] = {}
    for row in store.rows(
        f"SELECT {bucket} AS bucket, c.via AS via, c.reached AS reached, count(*) AS n, "
        "min(c.occurred_at) AS first FROM conversation c "
        f"WHERE c.occurred_at >= :before AND c.occurred_at < :end{mine} GROUP BY 1, 2, 3",
        {**params, **bounds},
    ):
        count, index = int(row["n"]), int(row["bucket"])
        if not row["reached"]:
            report.no_answer += count if index >= 0 else 0
            continue
        into = channels if index >= 0 else previous_channels
        had, first = into.get(row["via"], (0, row["first"]))
        into[row["via"]] = (had + count, min(first, row["first"]))
        if index >= 0:
            report.conversations += count
            months[labels[index]] += count
        else:
            report.previous_conversations += count
    report.by_month = list(months.items())
    # Most used first; a tie in the order each channel was first used, as a stream would meet them.
    report.by_channel = {
        via: n for via, (n, _) in sorted(channels.items(), key=lambda item: (-item[1][0], item[1][1]))
    }
    report.previous_by_channel = {
        via: n for via, (n, _) in sorted(previous_channels.items(), key=lambda item: item[1][1])
    }
    # How many people were in touch, this period and the one before: _rhythm_and_wellbeing.


def _rhythm_and_wellbeing(
    store: Store, report: Report, params: dict[str, Any], worker: str | None, horizon: datetime
) -> None:
    """Every person's contacts in the period, in date order, after their last contact before it.

    That is all the rhythm needs: a check-in is timed against the contact just before it, and
    an overdue spell reaching into the period starts at the last contact before it (or when
    the person was added). Overdue spells stop at `horizon`: the period's end, or the end of
    today if sooner.
    """
    people = {
        row["id"]: row
        for row in store.rows("SELECT id, cadence_days, created_at, archived_at, consent, worker FROM person")
    }
    start, end = params["start"], params["end"]
    earlier = _last_contacts_before(store, report, params, people, worker)
    days = LocalDays()
    current: int | None = None
    timeline: list[Contact] = []
    seen: set[int] = set()
    in_touch: set[int] = set()

    def finish(person_id: int | None) -> None:
        if person_id is None or person_id not in people:
            return
        seen.add(person_id)
        _one_person(report, people[person_id], _before(earlier, person_id) + timeline, start, horizon, worker)

    for row in store.stream(
        "SELECT cp.person_id AS pid, c.occurred_at AS at, COALESCE(cp.wellbeing, c.wellbeing) AS wb, "
        "c.logged_by AS by "
        "FROM conversation c JOIN conversation_person cp ON cp.conversation_id = c.id "
        "WHERE c.reached AND c.occurred_at >= :start AND c.occurred_at < :end "
        "ORDER BY cp.person_id, c.occurred_at, c.id",
        {"start": start, "end": end},
    ):
        if row["pid"] != current:
            finish(current)
            current, timeline = row["pid"], []
        moment, day = days.read(row["at"])
        timeline.append((moment, day, row["wb"], row["by"]))
        if worker is None or row["by"] == worker:
            in_touch.add(row["pid"])
    finish(current)
    report.people_in_touch = len(in_touch)
    # People not in touch in the period can still go overdue (never contacted at all, too).
    for person_id, row in people.items():
        if person_id not in seen:
            _one_person(report, row, _before(earlier, person_id), start, horizon, worker)


def _before(earlier: dict[int, datetime], person_id: int) -> list[Contact]:
    moment = earlier.get(person_id)
    return [] if moment is None else [(moment, moment.astimezone().date(), None, None)]


def _last_contacts_before(
    store: Store, report: Report, params: dict[str, Any], people: dict[int, Any], worker: str | None
) -> dict[int, datetime]:
    """Each person's last contact before the period (none: never contacted before it).

    Aggregated in SQL without reading the whole history: first over a recent window (the
    period before, and at least as long as the longest rhythm, so that anyone kept to theirs
    is found there), then an indexed look-up for the few not contacted in it. The same pass
    counts the people in touch in the period before.
    """
    start = params["start"]
    longest = max((int(row["cadence_days"]) for row in people.values()), default=30)
    cut = min(params["before"], start - timedelta(days=min(max(longest, 28), 366)))
    mine = " AND c.logged_by = :worker" if worker else ""
    found: dict[int, datetime] = {}
    for row in store.stream(
        "SELECT cp.person_id AS pid, max(c.occurred_at) AS at, "
        f"max(CASE WHEN c.occurred_at >= :before{mine} THEN 1 ELSE 0 END) AS previous "
        "FROM conversation c JOIN conversation_person cp ON cp.conversation_id = c.id "
        "WHERE c.reached AND c.occurred_at >= :cut AND c.occurred_at < :start GROUP BY cp.person_id",
        {"cut": cut, "start": start, "before": params["before"], "worker": worker},
    ):
        found[row["pid"]] = as_datetime(row["at"]) or start
        report.previous_people += int(row["previous"])
    rest = sorted(set(people) - set(found))
    for chunk in range(0, len(rest), 500):
        listed = ", ".join(str(int(person_id)) for person_id in rest[chunk : chunk + 500])
        for row in store.stream(
            "SELECT cp.person_id AS pid, max(c.occurred_at) AS at FROM conversation_person cp "
            "JOIN conversation c ON c.id = cp.conversation_id "
            f"WHERE cp.person_id IN ({listed}) AND c.reached AND c.occurred_at < :cut GROUP BY cp.person_id",
            {"cut": cut},
        ):
            if row["at"] is not None:
                found[row["pid"]] = as_datetime(row["at"]) or start
    return found


class LocalDays:
    """Instants read from the store, each with its local day, for one report.

    Converting 100,000 instants to local time one by one is most of the report's own
    time, so the zone's offset is worked out once per hour of UTC time (when it is the
    same at both ends of that hour; otherwise for the instant itself).
    """

    def __init__(self) -> None:
        self._offsets: dict[str, timedelta | None] = {}

    def read(self, value: Any) -> tuple[datetime, date]:
        """A stored instant and its local day (a damaged one as `as_datetime` shows it)."""
        if isinstance(value, str) and len(value) == 26 and value[10] == " ":
            try:
                moment = datetime.fromisoformat(value + "+00:00")
            except ValueError:
                moment = None
            if moment is not None and EARLIEST <= moment.date() <= LATEST:
                hour = value[:13]
                if hour not in self._offsets:
                    self._offsets[hour] = _offset_of_hour(moment)
                offset = self._offsets[hour]
                if offset is not None:
                    return moment, (moment + offset).date()
                return moment, moment.astimezone().date()
        read = as_datetime(value)
        assert read is not None
        return read, read.astimezone().date()


def _offset_of_hour(moment: datetime) -> timedelta | None:
    """The local zone's offset from UTC through the UTC hour of `moment`, if it holds for all of it."""
    try:
        first = moment.replace(minute=0, second=0, microsecond=0)
        offset = first.astimezone().utcoffset()
        last = (first + timedelta(hours=1) - timedelta(microseconds=1)).astimezone().utcoffset()
    except (OverflowError, ValueError):
        return None
    return offset if offset == last else None


def _one_person(
    report: Report,
    person: Any,
    timeline: list[Contact],
    start: datetime,
    end: datetime,
    worker: str | None,
) -> None:
    """One person's figures from their contacts (each with its local day, worked out once)."""
    in_period = [t for t in timeline if t[0] >= start]
    theirs = worker is None or person["worker"] == worker or any(t[3] == worker for t in in_period)
    if not theirs:
        return
    if (
        timeline
        and timeline[0][0] >= start
        and in_period
        and (worker is None or any(t[3] == worker for t in in_period))
    ):
        report.new_people += 1
    cadence = timedelta(days=person["cadence_days"])
    created = as_datetime(person["created_at"])
    assert created is not None
    # Check-ins on time: each conversation in the period against the contact before it.
    previous: date | None = None
    for moment, day, _, by in timeline:
        if moment >= start and previous is not None and (worker is None or by == worker):
            report.rhythm.check_ins += 1
            if day - previous <= cadence:
                report.rhythm.on_time += 1
        previous = day
    # Overdue spells that reach into the period (not for withdrawn consent or the archived).
    archived = as_datetime(person["archived_at"])
    if person["consent"] != "withdrawn" and (archived is None or archived >= end) and created < end:
        longest = 0
        start_day, end_day = start.astimezone().date(), end.astimezone().date()
        points = [(created, created.astimezone().date()), *((t[0], t[1]) for t in timeline), (end, end_day)]
        for (_, here), (following, following_day) in pairwise(points):
            due = here + cadence
            stop = end_day if following >= end else following_day
            if due < stop and stop > start_day:
                overdue_from = max(due, start_day)
                longest = max(longest, (stop - overdue_from).days)
        if longest:
            report.rhythm.went_overdue += 1
            report.rhythm.overdue_days.append(longest)
    # Wellbeing at both ends of the period.
    scores = [wb for _, _, wb, _ in in_period if wb is not None]
    if len(scores) >= 2:
        change = scores[-1] - scores[0]
        report.wellbeing["rose" if change > 0 else "fell" if change < 0 else "held"] += 1


def _promises(store: Store, report: Report, params: dict[str, Any], worker: str | None) -> None:
    mine = " AND coalesce(f.worker, f.logged_by) = :worker" if worker else ""
    for row in store.stream(
        "SELECT f.due_on, f.done_at, f.cancelled_at FROM follow_up f "
        "WHERE f.created_at >= :start AND f.created_at < :end" + mine,
        params,
    ):
        report.follow_ups_made += 1
        done = as_datetime(row["done_at"])
        due = as_date(row["due_on"])
        cancelled = as_datetime(row["cancelled_at"])
        if cancelled is not None and cancelled < params["end"]:
            report.cancelled += 1
        elif done is None or done >= params["end"]:
            report.still_open += 1
        elif due is None or done.astimezone().date() <= due:
            report.done_on_time += 1
        else:
            report.done_late += 1


def _ideas_groups_wins(
    store: Store, report: Report, mine: str, params: dict[str, Any], worker: str | None
) -> None:
    names = None
    if report.anonymised:
        from keepgoing.core.anonymising import name_words

        names = name_words(store)
    statuses: Counter[str] = Counter()
    idea_mine = (
        " AND i.conversation_id IN (SELECT c.id FROM conversation c WHERE c.logged_by = :worker)"
        if worker
        else ""
    )
    for row in store.stream(
        "SELECT i.text, i.status, i.outcome, i.told_at FROM idea i "
        f"WHERE i.created_at >= :start AND i.created_at < :end{idea_mine} ORDER BY i.created_at, i.id",
        params,
    ):
        statuses[row["status"]] += 1
        text = _quoted(row["text"], names)
        report.idea_texts.append((row["status"], text))
        outcome = None if row["outcome"] is None else _quoted(row["outcome"], names)
        report.heard.append(HeardIdea(row["status"], text, outcome, row["told_at"] is not None))
    report.ideas = dict(statuses)
    sessions: dict[str, list[int]] = defaultdict(list)
    for row in store.stream(
        "SELECT g.name, (SELECT count(*) FROM conversation_person cp WHERE cp.conversation_id = c.id) AS present "
        "FROM conversation c JOIN community_group g ON g.id = c.group_id "
        f"WHERE c.occurred_at >= :start AND c.occurred_at < :end{mine} ORDER BY g.name_key",
        params,
    ):
        sessions[row["name"]].append(int(row["present"]))
    report.groups = [GroupFigures(name, len(counts), sum(counts)) for name, counts in sessions.items()]
    if report.anonymised:  # a group's name often carries a person's ("Maria's circle")
        from keepgoing.core.anonymising import group_label

        for number, figures in enumerate(report.groups, 1):
            figures.name = group_label(number)
    win_mine = " AND w.logged_by = :worker" if worker else ""
    for row in store.stream(
        f"SELECT w.occurred_at, w.text FROM win w WHERE w.occurred_at >= :start AND w.occurred_at < :end{win_mine} "
        "ORDER BY w.occurred_at",
        params,
    ):
        moment = as_datetime(row["occurred_at"])
        assert moment is not None
        report.wins.append((moment.astimezone().date(), _quoted(row["text"], names)))


def _quoted(text: str, names: set[str] | None) -> str:
    """A win or idea as it may be quoted: with every name in the store replaced when anonymised."""
    if names is None:
        return text
    from keepgoing.core.anonymising import hide_names

    return hide_names(text, names)


def longest_and_median(days: list[int]) -> tuple[int, float] | None:
    return (max(days), median(days)) if days else None
