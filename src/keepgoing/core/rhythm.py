"""Check-in rhythms: who is due a conversation, and which follow-ups are due.

A person is due when they are active (not archived, not paused) and today is
on or after their last contact (or, never contacted, the day they were added)
plus their rhythm. That day is kept in `person.due_on`, updated in the same
transaction as every change to it, so "who is due" is one indexed query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from keepgoing.clock import start_of_day
from keepgoing.core.followups import FollowUp, count_open, open_follow_ups
from keepgoing.core.person import ACTIVE, CONSENTING, iso
from keepgoing.core.person import label as person_label
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_datetime, stored_day, stored_instant
from keepgoing.text import clean_tag


@dataclass
class Tries:
    """Tries that did not reach someone since they were last reached (for `due`)."""

    count: int
    since: datetime
    channels: list[str]
    # Channels tried at least twice with no answer, and the person's others worth a go.
    others: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "since": iso(self.since),
            "via": self.channels,
            "try_instead": self.others,
        }


@dataclass
class DueEntry:
    """Someone on the morning list: when they are due, how they were last reached, their tries since."""

    id: int
    name: str
    cadence_days: int
    due_on: date
    last_contact_day: date | None
    last_contact_at: Any
    last_contact_via: str | None
    prefers: str | None
    phone: str | None
    email: str | None
    today: date
    wellbeing_drop: str | None = None
    worker: str | None = None
    tries: Tries | None = None
    # How they are shown: "John Smith (Food bank)" when they share their name (`person.label`).
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or self.name

    @property
    def days_overdue(self) -> int:
        """Days past the due day; negative when falling due within the window."""
        return (self.today - self.due_on).days

    @property
    def days_since_contact(self) -> int | None:
        return (self.today - self.last_contact_day).days if self.last_contact_day else None

    @property
    def lateness(self) -> float:
        """How late relative to the rhythm: 10 days on weekly beats 10 days on monthly."""
        return self.days_overdue / self.cadence_days

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "last_contact": iso(self.last_contact_at),
            "last_contact_via": self.last_contact_via,
            "days_since_contact": self.days_since_contact,
            "cadence_days": self.cadence_days,
            "due_on": self.due_on.isoformat(),
            "days_overdue": self.days_overdue,
            "prefers": self.prefers,
            "phone": self.phone,
            "email": self.email,
            "wellbeing_drop": self.wellbeing_drop,
            "worker": self.worker,
            "tries": self.tries.to_json() if self.tries else None,
        }


@dataclass(frozen=True)
class ConsentReview:
    """Someone whose consent is due to be checked again."""

    id: int
    name: str
    consent: str | None
    review_on: date

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "review_on": self.review_on.isoformat()}


@dataclass
class DueReport:
    """The morning list: who is due within `within_days` of `today`, and the follow-ups due."""

    today: date
    within_days: int
    people: list[DueEntry]
    follow_ups: list[FollowUp]
    consent_reviews: list[ConsentReview] = field(default_factory=list)
    wins_this_month: int = 0
    reached_this_week: int = 0
    people_total: int = 0
    follow_ups_total: int = 0
    # Whose caseload this is (None: everyone's), and how many due people have no key worker.
    worker: str | None = None
    unassigned: int = 0
    # Ideas with an outcome nobody has told their author yet, and how many people that is.
    untold_ideas: int = 0
    people_waiting_to_hear: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.today.isoformat(),
            "within_days": self.within_days,
            "worker": self.worker,
            "people": [entry.to_json() for entry in self.people],
            "follow_ups": [f.to_json(self.today) for f in self.follow_ups],
            "consent_reviews": [review.to_json() for review in self.consent_reviews],
            "wins_this_month": self.wins_this_month,
            "reached_this_week": self.reached_this_week,
            "untold_ideas": self.untold_ideas,
            "people_waiting_to_hear": self.people_waiting_to_hear,
        }


def _due_by(horizon: date, today: date, tag: str | None) -> tuple[str, dict[str, Any]]:
    """Who is due by `horizon` (today for `due`, later with --within): the one condition, with its parameters."""
    chosen = f"{ACTIVE} AND p.due_on <= :horizon"
    params: dict[str, Any] = {"today": today, "horizon": horizon}
    if tag:
        chosen += " AND p.id IN (SELECT person_id FROM person_tag WHERE tag = :tag)"
        params["tag"] = clean_tag(tag)
    return chosen, params


def count_due(store: Store, *, today: date, tag: str | None = None, worker: str | None = None) -> int:
    """How many people are due a check-in today: the number `due` lists, for stats and reports."""
    chosen, params = _due_by(today, today, tag)
    if worker is not None:
        chosen += " AND p.worker = :worker"
        params["worker"] = worker
    return int(store.value(f"SELECT count(*) FROM person p WHERE {chosen}", params))


def due_list(
    store: Store,
    *,
    today: date,
    within_days: int = 0,
    tag: str | None = None,
    limit: int | None = None,
    worker: str | None = None,
    follow_up_limit: int | None = None,
) -> DueReport:
    """Who is due a check-in by `today + within_days`, most overdue (for their rhythm) first.

    With `limit`, only the first `limit` people and follow-ups (`follow_up_limit`
    if given) are built, while the totals still count everyone: a screen of 50
    need not pay for 5,000.
    With `worker`, only their caseload and their follow-ups.
    """
    horizon = today + timedelta(days=within_days)
    chosen, params = _due_by(horizon, today, tag)
    sql = (
        "SELECT p.id, p.name, p.cadence_days, p.due_on, p.last_contact_at, p.last_contact_via, "
        f"p.prefers, p.phone, p.email, p.wellbeing_drop, p.worker, p.name_key, p.organisation "
        f"FROM person p WHERE {chosen}"
    )
    # Consent to check again: withdrawn is not "check again" (they said no; they are never due).
    reviews_sql = (
        "SELECT p.id, p.name, p.consent, p.consent_review_on FROM person p WHERE p.archived_at IS NULL "
        f"AND p.consent_review_on <= :horizon AND {CONSENTING}"
    )
    if worker is not None:
        sql += " AND p.worker = :worker"
        reviews_sql += " AND p.worker = :worker"
        params["worker"] = worker
    with store.read():
        rows = store.rows(sql, params)
        tag_key: str | None = params.get("tag")
        shown = follow_up_limit if follow_up_limit is not None else limit
        follow_ups = open_follow_ups(store, limit=shown, due_by=horizon, tag=tag_key, worker=worker)
        follow_ups_total = (
            len(follow_ups)
            if shown is None
            else count_open(store, due_by=horizon, tag=tag_key, worker=worker)
        )
        unassigned = 0
        if worker is not None:
            unassigned = int(
                store.value(f"SELECT count(*) AS n FROM person p WHERE {chosen} AND p.worker IS NULL", params)
            )
        reviews = [
            ConsentReview(r["id"], r["name"], r["consent"], stored_day(r["consent_review_on"]))
            for r in store.rows(f"{reviews_sql} ORDER BY p.consent_review_on, p.name_key", params)
        ]
        week_start = start_of_day(today - timedelta(days=today.weekday()))
        month_start = start_of_day(today.replace(day=1))
        reached = int(
            store.value(
                # From this week's conversations to their people (not every link to its
                # conversation): the planner keeps this order on both databases.
                "SELECT count(DISTINCT cp.person_id) AS n FROM conversation_person cp "
                "WHERE cp.conversation_id IN "
                "(SELECT c.id FROM conversation c WHERE c.reached AND c.occurred_at >= :since)",
                {"since": week_start},
            )
        )
        wins = int(
            store.value("SELECT count(*) FROM win WHERE occurred_at >= :since", {"since": month_start})
        )
        from keepgoing.core.ideas import count_untold

        untold = count_untold(store)

    # Sort on the two raw columns first; build entries only for the rows wanted.
    def lateness(row: Any) -> tuple[float, int, str]:
        overdue = (today - stored_day(row["due_on"])).days
        return (-overdue / row["cadence_days"], -overdue, row["name"].casefold())

    rows = sorted(rows, key=lateness)
    people = []
    for row in rows[:limit]:
        last_at = as_datetime(row["last_contact_at"])
        people.append(
            DueEntry(
                id=row["id"],
                name=row["name"],
                cadence_days=row["cadence_days"],
                due_on=stored_day(row["due_on"]),
                last_contact_day=last_at.astimezone().date() if last_at else None,
                last_contact_at=last_at,
                last_contact_via=row["last_contact_via"],
                prefers=row["prefers"],
                phone=row["phone"],
                email=row["email"],
                today=today,
                wellbeing_drop=row["wellbeing_drop"],
                worker=row["worker"],
                label=person_label(row["name"], row["name_key"], row["organisation"]),
            )
        )
    if people:
        tries = tries_since_contact(store, [entry.id for entry in people])
        for entry in people:
            entry.tries = tries.get(entry.id)
    report = DueReport(today, within_days, people, follow_ups, reviews, wins, reached)
    report.people_total, report.follow_ups_total = len(rows), follow_ups_total
    report.worker, report.unassigned = worker, unassigned
    report.untold_ideas, report.people_waiting_to_hear = untold
    return report


# Up to this many people, tries_since_contact reads each one's conversations; beyond, the store's tries.
FEW_FOR_TRIES = 40


def tries_since_contact(store: Store, person_ids: list[int]) -> dict[int, Tries]:
    """Each person's unanswered tries after their last contact, oldest first.

    After two unanswered tries by one channel, `others` suggests the channels
    on their card not tried yet: how they prefer, phone and text for a phone
    number, email for an email address.
    """
    if not person_ids:
        return {}
    params = {f"p{i}": pid for i, pid in enumerate(person_ids)}
    among = ", ".join(f":{key}" for key in params)
    if len(person_ids) <= FEW_FOR_TRIES:
        # A screenful: each person's own conversations, through their index (a few dozen
        # each), cost less than finding every unanswered try in the store.
        unanswered = "NOT c.reached"
    else:
        # Many people: the unanswered tries first (one pass over an index), then their people;
        # asking each person's every conversation whether it was reached read the whole table.
        unanswered = "cp.conversation_id IN (SELECT t.id FROM conversation t WHERE NOT t.reached)"
    rows = store.rows(
        "SELECT cp.person_id AS pid, c.occurred_at AS at, c.via, p.prefers, p.phone, p.email "
        "FROM conversation_person cp JOIN conversation c ON c.id = cp.conversation_id "
        "JOIN person p ON p.id = cp.person_id "
        f"WHERE {unanswered} AND cp.person_id IN ({among}) "
        "AND (p.last_contact_at IS NULL OR c.occurred_at > p.last_contact_at) "
        "ORDER BY cp.person_id, c.occurred_at, c.id",
        params,
    )
    found: dict[int, Tries] = {}
    cards: dict[int, Any] = {}
    for row in rows:
        tries = found.setdefault(row["pid"], Tries(0, stored_instant(row["at"]), []))
        tries.count += 1
        tries.channels.append(row["via"])
        cards[row["pid"]] = row
    for pid, tries in found.items():
        card = cards[pid]
        if max(tries.channels.count(via) for via in set(tries.channels)) < 2:
            continue
        possible = [card["prefers"]] if card["prefers"] else []
        possible += ["phone", "text"] if card["phone"] else []
        possible += ["email"] if card["email"] else []
        tried = set(tries.channels)
        tries.others = [via for via in dict.fromkeys(possible) if via not in tried]
    return found


def refresh_contacts(
    store: Store, person_ids: Iterable[int], *, logged: int | None = None
) -> dict[int, str | None]:
    """Set each person's last contact, due day and wellbeing drop from their conversations.

    The one place these are worked out: for log, jot, group sessions, amend,
    unlog, retention, import and copy. The newest conversation (by its date)
    is the last contact (a try with no answer never is). The due day moves only when the last contact changed,
    or when it is `logged`, the conversation just logged, so a snooze or a
    spread plan survives a back-dated conversation or a correction that does
    not touch it; after a sharp fall in wellbeing it comes sooner. Returns
    each person's drop ("4→2"), or None.
    """
    from keepgoing.core.person import next_due
    from keepgoing.core.wellbeing import drop_between, sooner

    ids = sorted(set(person_ids))
    drops: dict[int, str | None] = {}
    # On a server, lock the people first, in id order, as the UPDATE below would: another
    # worker's conversation with them then waits for this one, and sees it, rather than being lost.
    lock = store.lock_for_update
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        params = {f"p{i}": pid for i, pid in enumerate(chunk)}
        among = ", ".join(f":{key}" for key in params)
        people = store.rows(
            "SELECT id, cadence_days, created_at, last_contact_at, last_contact_via, due_on FROM person "
            f"WHERE id IN ({among}) ORDER BY id{lock}",
            params,
        )
        # Each one's conversations newest first, by date: all of them, and those with a score.
        ranked = (
            "SELECT * FROM (SELECT cp.person_id AS pid, c.id AS cid, c.occurred_at AS at, c.via AS via, "
            # A person's own score in a group session, else the conversation's.
            "COALESCE(cp.wellbeing, c.wellbeing) AS wb, row_number() OVER (PARTITION BY cp.person_id "
            "ORDER BY c.occurred_at DESC, c.id DESC) AS n FROM conversation c "
            f"JOIN conversation_person cp ON cp.conversation_id = c.id WHERE cp.person_id IN ({among}) "
            # A try that did not reach them (log --no-answer) is not contact: the one place it is left out.
            "AND c.reached "
        )
        newest = {r["pid"]: r for r in store.rows(f"{ranked}) t WHERE t.n = 1", params)}
        scores: dict[int, list[int]] = {}
        for r in store.rows(
            f"{ranked}AND COALESCE(cp.wellbeing, c.wellbeing) IS NOT NULL) t WHERE t.n <= 2 ORDER BY t.pid, t.n",
            params,
        ):
            scores.setdefault(r["pid"], []).append(r["wb"])
        updates = []
        for person in people:
            pid, cadence = person["id"], person["cadence_days"]
            last = newest.get(pid)
            last_at = as_datetime(last["at"]) if last else None
            via = last["via"] if last else None
            drop = drop_between(scores.get(pid, [])) if last and last["wb"] is not None else None
            due_on = stored_day(person["due_on"])
            moved = last_at != as_datetime(person["last_contact_at"]) or via != person["last_contact_via"]
            if moved or (last is not None and last["cid"] == logged):
                due_on = next_due(last_at or stored_instant(person["created_at"]), cadence)
            if drop and last_at is not None:
                due_on = min(due_on, sooner(last_at.astimezone().date(), cadence))
            updates.append({"at": last_at, "via": via, "due": due_on, "drop": drop, "id": pid})
            drops[pid] = drop
        store.run_many(
            "UPDATE person SET last_contact_at = :at, last_contact_via = :via, due_on = :due, "
            "wellbeing_drop = :drop WHERE id = :id",
            updates,
        )
    return drops


def next_up(store: Store, *, today: date) -> tuple[str, date] | None:
    """The next person to fall due, for a calm "nobody yet" screen."""
    row = store.row(
        f"SELECT p.name, p.due_on FROM person p WHERE {ACTIVE} ORDER BY p.due_on, p.name_key LIMIT 1",
        {"today": today},
    )
    return (row["name"], stored_day(row["due_on"])) if row else None


def snooze_person(store: Store, query: str, *, days: int, today: date) -> tuple[str, date]:
    """Put one person off: they next fall due `days` from today."""
    from keepgoing.core.matching import find_person

    with store.write():
        person = find_person(store, query)
        day = today + timedelta(days=days)
        store.run("UPDATE person SET due_on = :d WHERE id = :id", {"d": day, "id": person.id})
    return person.name, day


@dataclass
class PlanItem:
    """One overdue person in a catch-up plan, and the day suggested for them."""

    id: int
    name: str
    days_overdue: int
    due_on: date


def spread_plan(store: Store, *, over_days: int, today: date, apply: bool = True) -> list[PlanItem]:
    """Stagger everyone overdue across the next `over_days`: a few a day, not all at once.

    Most overdue for their rhythm first, and, among equals, whoever's last
    wellbeing score was lowest. `due` then follows the plan, because the plan
    is each person's next due day.
    """
    report = due_list(store, today=today)
    if not report.people:
        return []
    lowest = {
        row["pid"]: row["w"]
        for row in store.rows(
            "SELECT cp.person_id AS pid, COALESCE(cp.wellbeing, c.wellbeing) AS w FROM conversation c "
            "JOIN conversation_person cp ON cp.conversation_id = c.id "
            "JOIN person p ON p.id = cp.person_id AND c.occurred_at = p.last_contact_at "
            "WHERE COALESCE(cp.wellbeing, c.wellbeing) IS NOT NULL"
        )
    }
    order = sorted(
        report.people, key=lambda e: (-round(e.lateness, 1), lowest.get(e.id, 6), e.name.casefold())
    )
    per_day = -(-len(order) // over_days)  # ceiling: everyone fits in the window
    plan = [
        PlanItem(e.id, e.name, e.days_overdue, today + timedelta(days=i // per_day))
        for i, e in enumerate(order)
    ]
    if apply:
        with store.write():
            store.run_many(
                "UPDATE person SET due_on = :d WHERE id = :id", ({"d": p.due_on, "id": p.id} for p in plan)
            )
    return plan
