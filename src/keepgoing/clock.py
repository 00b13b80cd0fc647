"""The one place keepgoing reads the clock.

The core never calls this: it takes `now`/`today` as parameters. The CLI calls
`now()` once per command, and tests replace it to make time controllable.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_today(instant: datetime) -> date:
    """The user's local calendar date at `instant`."""
    return instant.astimezone().date()


def start_of_day(day: date) -> datetime:
    """The UTC instant at which the user's local `day` begins."""
    return datetime.combine(day, time(0, 0)).astimezone().astimezone(UTC)
