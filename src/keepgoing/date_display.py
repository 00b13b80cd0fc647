"""Writing dates, times and rhythms the way people say them: "Fri 20 Nov 2026", "7pm", "fortnightly".

Apart from `dates.py`, which reads what people type, so that a screen that only
shows dates loads none of its patterns.
"""

from __future__ import annotations

from datetime import date, datetime, time

# The names a rhythm may be given (`--every fortnightly`), and the first of each is how it is shown.
DURATION_NAMES = {
    "daily": 1,
    "weekly": 7,
    "week": 7,
    "a week": 7,
    "fortnightly": 14,
    "fortnight": 14,
    "a fortnight": 14,
    "every fortnight": 14,
    "monthly": 30,
    "month": 30,
    "a month": 30,
    "quarterly": 91,
    "yearly": 365,
}


def describe_day(day: date) -> str:
    """`Fri 20 Nov 2026`: the form every write echoes back."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def describe_time(wall: time) -> str:
    """`7pm`, `10:30am`: a time of day as people say it."""
    hour = wall.hour % 12 or 12
    minutes = f":{wall.minute:02d}" if wall.minute else ""
    return f"{hour}{minutes}{'am' if wall.hour < 12 else 'pm'}"


def describe_when(day: date, wall: time | None) -> str:
    """`Thu 19 Nov 2026, 7pm` when a time was given, else `Thu 19 Nov 2026`."""
    return describe_day(day) if wall is None else f"{describe_day(day)}, {describe_time(wall)}"


def describe_moment(moment: datetime, time_given: bool) -> str:
    """A stored instant in the user's local time: with its time only when one was typed."""
    local = moment.astimezone()
    return describe_when(local.date(), local.time() if time_given else None)


def rhythm_name(days: int) -> str | None:
    """The word for a rhythm with one ("weekly", not "a week": the first name listed), else None."""
    return next((name for name, value in DURATION_NAMES.items() if value == days), None)


def describe_rhythm(days: int) -> str:
    named = rhythm_name(days)
    if named:
        return named
    if days % 7 == 0:
        return f"every {days // 7} weeks"
    return f"every {days} days"


def describe_ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 0:
        return "in 1 day" if days == -1 else f"in {-days} days"
    return f"{days} days ago"
