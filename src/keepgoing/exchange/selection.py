"""What an export covers (dates, tags, people) and how it is anonymised."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from keepgoing.clock import start_of_day
from keepgoing.core.matching import find_person
from keepgoing.storage import Store
from keepgoing.text import clean_tag


@dataclass
class Selection:
    """Filters an export applies. Empty means everything, archived people included."""

    since: date | None = None
    until: date | None = None
    tags: list[str] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    anonymise: bool = False
    keep_notes: bool = False
    # When anonymising: every word of every name and alias, hidden in any text kept (--keep-notes).
    names: set[str] = field(default_factory=set)
    # Equality monitoring, only when asked for (`export --include-monitoring`); never anonymised.
    monitoring: bool = False

    @classmethod
    def build(
        cls,
        store: Store,
        *,
        since: date | None = None,
        until: date | None = None,
        tags: list[str] | None = None,
        people: list[str] | None = None,
        anonymise: bool = False,
        keep_notes: bool = False,
    ) -> Selection:
        from keepgoing.errors import BadInput

        if since and until and since > until:
            raise BadInput("--since is after --until: nothing could match.")
        ids = [find_person(store, name).id for name in people or []]
        names: set[str] = set()
        if anonymise:
            from keepgoing.core.anonymising import name_words

            names = name_words(store)
        return cls(since, until, [clean_tag(t) for t in tags or []], ids, anonymise, keep_notes, names)

    @property
    def filters_people(self) -> bool:
        return bool(self.tags or self.person_ids)

    def person_where(self, alias: str = "p") -> tuple[str, dict[str, Any]]:
        """SQL condition on a person table alias, and its parameters."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if self.tags:
            names = ", ".join(f":tag{i}" for i in range(len(self.tags)))
            conditions.append(f"{alias}.id IN (SELECT person_id FROM person_tag WHERE tag IN ({names}))")
            params.update({f"tag{i}": tag for i, tag in enumerate(self.tags)})
        if self.person_ids:
            names = ", ".join(f":pid{i}" for i in range(len(self.person_ids)))
            conditions.append(f"{alias}.id IN ({names})")
            params.update({f"pid{i}": pid for i, pid in enumerate(self.person_ids)})
        return (" OR ".join(conditions) or "1 = 1"), params

    def conversation_where(self, alias: str = "c") -> tuple[str, dict[str, Any]]:
        """Conversations in the date range that involve a selected person."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if self.since:
            conditions.append(f"{alias}.occurred_at >= :since")
            params["since"] = start_of_day(self.since)
        if self.until:
            conditions.append(f"{alias}.occurred_at < :until")
            params["until"] = start_of_day(self.until + timedelta(days=1))
        if self.filters_people:
            where, person_params = self.person_where("sp")
            conditions.append(
                f"{alias}.id IN (SELECT cp.conversation_id FROM conversation_person cp "
                f"JOIN person sp ON sp.id = cp.person_id WHERE {where})"
            )
            params.update(person_params)
        return (" AND ".join(conditions) or "1 = 1"), params

    # --- anonymising -------------------------------------------------------------

    def name(self, person_id: int | None, real: str) -> str:
        return f"Person {person_id}" if self.anonymise else real

    def text(self, value: str | None) -> str | None:
        """Free text (notes, follow-ups): dropped when anonymising unless asked to keep it, and then
        kept without a word of anyone's name."""
        if not self.anonymise or value is None:
            return value
        if not self.keep_notes:
            return None
        from keepgoing.core.anonymising import hide_names

        return hide_names(value, self.names)

    def group(self, group_id: int, real: str) -> str:
        """A group's name, or a neutral label when anonymising (names often carry a person's)."""
        if not self.anonymise:
            return real
        from keepgoing.core.anonymising import group_label

        return group_label(group_id)

    def private(self, value: Any) -> Any:
        """Contact details and aliases: never in an anonymised export."""
        return None if self.anonymise else value


def people_rows(store: Store, selection: Selection) -> Iterator[Any]:
    where, params = selection.person_where("p")
    return store.stream(f"SELECT p.* FROM person p WHERE {where} ORDER BY p.id", params)


def grouped(store: Store, sql: str, params: dict[str, Any] | None = None) -> dict[int, list[Any]]:
    """person id -> values, for a query selecting `pid` and `value` (every alias at once, say)."""
    result: dict[int, list[Any]] = {}
    for row in store.stream(sql, params):
        result.setdefault(row["pid"], []).append(row["value"])
    return result


def conversations_with_people(
    store: Store, selection: Selection
) -> Iterator[tuple[Any, list[tuple[int, str, str | None]]]]:
    """Each selected conversation with everyone present (by name), in the order logged.

    Ordered by id (the order they were logged, nearly always chronological),
    which SQLite streams straight off the table without sorting or seeking.
    """
    where, params = selection.conversation_where("c")
    rows = store.stream(
        "SELECT c.id, c.occurred_at, c.via, c.note, c.wellbeing, c.logged_by, c.created_at, c.feeling, c.group_id, "
        "c.amended_by, c.amended_at, c.time_given, c.reached, c.private, "
        "p.id AS person_id, p.name AS person_name, p.name_key AS person_key, p.organisation AS organisation "
        "FROM conversation c LEFT JOIN conversation_person cp ON cp.conversation_id = c.id "
        f"LEFT JOIN person p ON p.id = cp.person_id WHERE {where} ORDER BY c.id",
        params,
    )
    current, present = None, []
    for row in rows:
        if current is not None and row["id"] != current["id"]:
            yield current, _by_name(present)
            present = []
        current = row
        if row["person_id"] is not None:
            present.append((row["person_key"], row["person_id"], row["person_name"], row["organisation"]))
    if current is not None:
        yield current, _by_name(present)


def _by_name(present: list[tuple[str, int, str, str | None]]) -> list[tuple[int, str, str | None]]:
    return [(pid, name, organisation) for _, pid, name, organisation in sorted(present)]
