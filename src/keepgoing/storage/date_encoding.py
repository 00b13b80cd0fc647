"""Moving dates and instants between Python and the database.

The core works with timezone-aware UTC datetimes and plain dates. SQLite has
no date types, so the SQLite store writes them as text in the same layout
SQLAlchemy uses (`2026-11-20 14:30:00.000000`, UTC), and these helpers read
either that text or a driver's native objects back.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any


def to_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


# The days keepgoing keeps (the range `log` accepts); kept here, below the core, so
# storage can check what it reads without importing the date parser.
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
# Raw stored values that could not be read, for one warning when the command ends: collected
# only after `collect_damaged()`, in the list it gives (none is kept when nobody asked).
_damaged: ContextVar[list[str] | None] = ContextVar("damaged_dates", default=None)


def collect_damaged() -> list[str]:
    """From now on, in this context (one command's run), the stored values the reading
    helpers below could not read go in the list returned.

    Each damaged value shows as the earliest day; the caller says so once, at the
    end (the CLI: one warning per command).
    """
    found: list[str] = []
    _damaged.set(found)
    return found


def collecting_damaged() -> list[str]:
    """The list this context collects damaged values into, started if none is (a command
    that opens two stores keeps one list)."""
    found = _damaged.get()
    return found if found is not None else collect_damaged()


def finish_damaged() -> list[str]:
    """What was collected in this context, and collecting stopped (the command has ended)."""
    found = _damaged.get() or []
    _damaged.set(None)
    return found


def _note(raw: str) -> None:
    found = _damaged.get()
    if found is not None:
        found.append(raw)


def read_datetime(value: Any) -> datetime:
    """A stored instant as an aware UTC datetime; ValueError when it cannot be one keepgoing keeps."""
    try:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise ValueError(f"not a date and time: {value!r}")
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        moment.astimezone()  # the local time must exist too: every screen shows it
    except (OverflowError, TypeError) as exc:
        raise ValueError(str(exc)) from None
    if not EARLIEST <= moment.date() <= LATEST:
        raise ValueError(f"{value!r} is outside the days keepgoing keeps")
    return moment


def read_date(value: Any) -> date:
    """A stored day; ValueError when it cannot be one keepgoing keeps."""
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if not isinstance(value, date):
        raise ValueError(f"not a date: {value!r}")
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{value!r} is outside the days keepgoing keeps")
    return value


def as_datetime(value: Any) -> datetime | None:
    """What the reading commands use: a damaged value shows as the earliest day, and is noted."""
    if value is None:
        return None
    try:
        return read_datetime(value)
    except ValueError:
        _note(repr(value)[:40])
        return datetime.combine(EARLIEST, datetime.min.time(), UTC)


def as_date(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return read_date(value)
    except ValueError:
        _note(repr(value)[:40])
        return EARLIEST


def iso_instant(value: Any) -> str | None:
    """A stored instant as exports write it: full-precision ISO, so that a JSON export round-trips exactly."""
    moment = as_datetime(value)
    return moment.isoformat() if moment else None


def iso_day(value: Any) -> str | None:
    """A stored day as exports write it (ISO)."""
    day = as_date(value)
    return day.isoformat() if day else None


def stored_instant(value: Any) -> datetime:
    """A NOT NULL instant column (created_at, occurred_at): as `as_datetime`, a missing value noted as damaged."""
    moment = as_datetime(value)
    if moment is None:
        _note("NULL")
        return datetime.combine(EARLIEST, datetime.min.time(), UTC)
    return moment


def stored_day(value: Any) -> date:
    """A NOT NULL day column (due_on): as `as_date`, a missing value noted as damaged."""
    day = as_date(value)
    if day is None:
        _note("NULL")
        return EARLIEST
    return day
