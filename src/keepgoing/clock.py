"""The one place keepgoing reads the clock.

The core never calls this: it takes `now`/`today` as parameters. The CLI calls
`now()` once per command, and tests replace it to make time controllable.
"""

from __future__ import annotations

import os
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


def local_instant(day: date, wall: time) -> datetime:
    """The UTC instant at which the user's clock on `day` shows `wall`."""
    return datetime.combine(day, wall).astimezone().astimezone(UTC)


def wall_time_exists(day: date, wall: time) -> bool:
    """False for a time the clocks skipped (01:30 on the night they go forward)."""
    shown = local_instant(day, wall).astimezone().replace(tzinfo=None)
    return shown == datetime.combine(day, wall)


def zone_name() -> str:
    """The user's time zone as they would know it: "Europe/London", else its abbreviation."""
    named = os.environ.get("TZ", "").lstrip(":")
    if "/" in named and not named.startswith("/"):
        return named
    try:
        target = os.readlink(named or "/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        return target.split("zoneinfo/", 1)[1]
    import time as _time

    return _time.tzname[0]
