"""Storage limitation: erasing or anonymising conversations past a retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keepgoing.storage import Store


@dataclass
class Expired:
    count: int
    oldest: datetime | None
    newest: datetime | None


def expired(store: Store, before: datetime) -> Expired:
    from keepgoing.storage.values import as_datetime

    row = store.row(
        "SELECT count(*) AS n, min(occurred_at) AS oldest, max(occurred_at) AS newest "
        "FROM conversation WHERE occurred_at < :before",
        {"before": before},
    )
    if row is None:  # an aggregate always gives a row; this keeps the types honest
        return Expired(0, None, None)
    return Expired(row["n"], as_datetime(row["oldest"]), as_datetime(row["newest"]))


OLD = "SELECT id FROM conversation WHERE occurred_at < :before"


def apply_retention(store: Store, before: datetime, *, mode: str) -> int:
    """Erase old conversations, or keep them without what was said, felt or who wrote it ("anonymise").

    Erasing takes what hangs off a conversation with it (the follow-ups and
    ideas made in it) and works out again the last contact of everyone who
    was in one.
    """
    with store.write():
        if mode == "erase":
            from keepgoing.core.rhythm import refresh_contacts

            people = [
                r["p"]
                for r in store.rows(
                    f"SELECT DISTINCT person_id AS p FROM conversation_person WHERE conversation_id IN ({OLD})",
                    {"before": before},
                )
            ]
            for table in ("follow_up", "idea"):
                store.run(f"DELETE FROM {table} WHERE conversation_id IN ({OLD})", {"before": before})
            changed = store.run("DELETE FROM conversation WHERE occurred_at < :before", {"before": before})
            refresh_contacts(store, people)
        else:
            changed = store.run(
                "UPDATE conversation SET note = NULL, wellbeing = NULL, feeling = NULL, logged_by = NULL, "
                "amended_by = NULL WHERE occurred_at < :before AND (note IS NOT NULL OR wellbeing IS NOT NULL "
                "OR feeling IS NOT NULL OR logged_by IS NOT NULL OR amended_by IS NOT NULL)",
                {"before": before},
            )
    store.scrub()
    return changed
