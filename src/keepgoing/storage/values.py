"""Moving dates and instants between Python and the database.

The core works with timezone-aware UTC datetimes and plain dates. SQLite has
no date types, so the SQLite store writes them as text in the same layout
SQLAlchemy uses (`2026-11-20 14:30:00.000000`, UTC), and these helpers read
either that text or a driver's native objects back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def to_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value
