"""Looking back: conversations and people reached per period, channels, wellbeing.

Aggregated in Python over streamed rows, so the SQL stays portable between
SQLite and PostgreSQL (their date functions differ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from keepgoing.clock import start_of_day
from keepgoing.core.channels import CHANNELS
from keepgoing.core.person import CONSENTING, next_due
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_datetime, stored_instant
from keepgoing.text import clean_tag

SMALL = 5  # counts under this are hidden in anonymised output


@dataclass
class Period:
    """One week or month of `stats`, as it is counted: conversations and the people reached."""

    start: date
    conversations: int = 0
    people: set[int] = field(default_factory=set)


@dataclass
class Stats:
    """What `stats` counted since its first period: per period, by channel, overdue and wellbeing."""

    since: date
    today: date
    by: str
    periods: list[Period]
    channels: dict[str, int]
    overdue_now: int
    overdue_month_ago: int
    wellbeing_total: int = 0
    wellbeing_count: int = 0
    people_reached: int = 0

    @property
    def wellbeing_average(self) -> float | None:
        return round(self.wellbeing_total / self.wellbeing_count, 2) if self.wellbeing_count else None

    def to_json(self, *, anonymise: bool = False) -> dict[str, Any]:
        return self.view(anonymise=anonymise).to_json()

    def view(self, *, anonymise: bool = False) -> StatsView:
        """The figures as shown and sent: with `anonymise`, counts under 5 are "<5"."""

        def n(count: int) -> Count:
            return "<5" if anonymise and 0 < count < SMALL else count

        return StatsView(
            since=self.since,
            until=self.today,
            by=self.by,
            periods=tuple(PeriodFigures(p.start, n(p.conversations), n(len(p.people))) for p in self.periods),
            conversations=n(sum(p.conversations for p in self.periods)),
            people_reached=n(self.people_reached),
            channels={channel: n(count) for channel, count in self.channels.items()},
            overdue_now=n(self.overdue_now),
            overdue_month_ago=n(self.overdue_month_ago),
            wellbeing_average=self.wellbeing_average
            if not anonymise or self.wellbeing_count >= SMALL
            else None,
            wellbeing_count=n(self.wellbeing_count),
        )


# A count as shown: "<5" in place of a small one when anonymised.
Count = int | str


@dataclass(frozen=True)
class PeriodFigures:
    """One week or month of `stats` as shown: small counts hidden when anonymised."""

    start: date
    conversations: Count
    people: Count


@dataclass(frozen=True)
class StatsView:
    """What `stats` shows and sends (its `to_json()` is the `stats --json` shape)."""

    since: date
    until: date
    by: str
    periods: tuple[PeriodFigures, ...]
    conversations: Count
    people_reached: Count
    channels: dict[str, Count]
    overdue_now: Count
    overdue_month_ago: Count
    wellbeing_average: float | None
    wellbeing_count: Count

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "by": self.by,
            "periods": [
                {"start": p.start.isoformat(), "conversations": p.conversations, "people": p.people}
                for p in self.periods
            ],
            "conversations": self.conversations,
            "people_reached": self.people_reached,
            "channels": dict(self.channels),
            "overdue_now": self.overdue_now,
            "overdue_month_ago": self.overdue_month_ago,
            "wellbeing_average": self.wellbeing_average,
            "wellbeing_count": self.wellbeing_count,
        }


def period_start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _periods(since: date, today: date, by: str) -> list[Period]:
    periods, start = [], period_start(since, by)
    while start <= today:
        periods.append(Period(start))
        if by == "week":
            start += timedelta(days=7)
        else:
            start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return periods


def stats_summary(
    store: Store, *, today: date, since: date, by: str = "month", tag: str | None = None
) -> Stats:
    # Whole periods: the first row starts where the title says, and counts its whole month or week.
    since = period_start(since, by)
    periods = _periods(since, today, by)
    index = {p.start: p for p in periods}
    channels = dict.fromkeys(CHANNELS, 0)
    params: dict[str, Any] = {"since": start_of_day(since)}
    tag_filter = ""
    if tag:
        tag_filter = " AND cp.person_id IN (SELECT person_id FROM person_tag WHERE tag = :tag)"
        params["tag"] = clean_tag(tag)
    result = Stats(since, today, by, periods, channels, 0, 0)
    reached: set[int] = set()
    seen_conversation = None
    with store.read():
        for row in store.stream(
            "SELECT c.id, c.occurred_at, c.via, c.wellbeing, cp.wellbeing AS own, cp.person_id FROM conversation c "
            "JOIN conversation_person cp ON cp.conversation_id = c.id "
            f"WHERE c.reached AND c.occurred_at >= :since{tag_filter} ORDER BY c.id",
            params,
        ):
            day = stored_instant(row["occurred_at"]).astimezone().date()
            period = index.get(period_start(day, by))
            if period is None:
                continue
            period.people.add(row["person_id"])
            reached.add(row["person_id"])
            if row["id"] != seen_conversation:
                seen_conversation = row["id"]
                period.conversations += 1
                channels[row["via"]] = channels.get(row["via"], 0) + 1
                if row["wellbeing"] is not None:
                    result.wellbeing_total += row["wellbeing"]
                    result.wellbeing_count += 1
            if row["own"] is not None:  # each person's own score in a group session counts once
                result.wellbeing_total += row["own"]
                result.wellbeing_count += 1
        result.people_reached = len(reached)
        result.overdue_now = _overdue_on(store, today, tag, current=True)
        result.overdue_month_ago = _overdue_on(store, today - timedelta(days=30), tag, current=False)
    return result


def _overdue_on(store: Store, day: date, tag: str | None, *, current: bool) -> int:
    """How many active people were overdue on `day` (pauses in the past are not recorded)."""
    params: dict[str, Any] = {"day": day, "cutoff": start_of_day(day + timedelta(days=1))}
    tag_filter = " AND p.id IN (SELECT person_id FROM person_tag WHERE tag = :tag)" if tag else ""
    if tag:
        params["tag"] = clean_tag(tag)
    if current:
        from keepgoing.core.rhythm import count_due

        return count_due(store, today=day, tag=tag)
    last = {
        row["pid"]: as_datetime(row["at"])
        for row in store.stream(
            "SELECT cp.person_id AS pid, max(c.occurred_at) AS at FROM conversation c "
            "JOIN conversation_person cp ON cp.conversation_id = c.id WHERE c.reached AND c.occurred_at < :cutoff "
            "GROUP BY cp.person_id",
            params,
        )
    }
    count = 0
    for row in store.stream(
        "SELECT p.id, p.cadence_days, p.created_at, p.archived_at FROM person p "
        f"WHERE p.created_at < :cutoff AND {CONSENTING}{tag_filter}",
        params,
    ):
        archived = as_datetime(row["archived_at"])
        if archived is not None and archived.astimezone().date() <= day:
            continue
        base = last.get(row["id"]) or stored_instant(row["created_at"])
        if next_due(base, row["cadence_days"]) <= day:
            count += 1
    return count
