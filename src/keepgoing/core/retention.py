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
    return Expired(row["n"], as_datetime(row["oldest"]), as_datetime(row["newest"]))


def apply_retention(store: Store, before: datetime, *, mode: str) -> int:
    """Erase old conversations, or keep them without notes, wellbeing or author ("anonymise")."""
    with store.write():
        if mode == "erase":
            changed = store.run("DELETE FROM conversation WHERE occurred_at < :before", {"before": before})
        else:
            changed = store.run(
                "UPDATE conversation SET note = NULL, wellbeing = NULL, logged_by = NULL "
                "WHERE occurred_at < :before AND (note IS NOT NULL OR wellbeing IS NOT NULL "
                "OR logged_by IS NOT NULL)",
                {"before": before},
            )
    store.scrub()
    return changed
