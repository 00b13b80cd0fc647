"""`When`: a day as the user meant it, with the time they gave (if any).

Apart from `dates.py` (which reads what people type) so that a command given no date,
such as `log` with no --when, holds one without loading the date parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from keepgoing import clock


@dataclass(frozen=True)
class When:
    """A calendar day as the user meant it, with a local time when they gave one."""

    day: date
    time: time | None = None

    @property
    def time_given(self) -> bool:
        return self.time is not None

    def instant(self, now: datetime) -> datetime:
        """The UTC instant to store: now for today, local noon for another bare day."""
        local_now = now.astimezone()
        if self.time is None and self.day == local_now.date():
            return now.astimezone(UTC)
        return clock.local_instant(self.day, self.time if self.time is not None else time(12, 0))
