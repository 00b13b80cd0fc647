"""Reading the dates and durations people type (`date_display.py` writes them back).

WHEN accepts ISO dates and times, `today`, `yesterday`, `tomorrow`,
`3 days ago`, `in 2 weeks`, `last friday`, `next monday`, a bare weekday and
ordinary written dates (`20 Nov 2026`, `20/11/2026`). Anything that cannot be
read exactly is refused: no fuzzy guesses, no invented day or month.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from keepgoing import clock
from keepgoing.date_display import DURATION_NAMES, describe_day
from keepgoing.errors import BadInput
from keepgoing.moment import When
from keepgoing.storage.date_encoding import EARLIEST, LATEST  # one range for every way a date comes in

WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_COUNT = r"(\d{1,5}|a|an|one|two|three|four|five|six)"
_AGO = re.compile(rf"^{_COUNT} (day|week|month|year)s? ago$")
_IN = re.compile(rf"^in {_COUNT} (day|week|month|year)s?$")
_RELATIVE_WEEKDAY = re.compile(r"^(last|next|this) ([a-z]+)$")


_DURATION = re.compile(r"^(\d{1,5}) ?(d|days?|w|weeks?|m|months?|y|years?)$")
_DURATION_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
MAX_DURATION_DAYS = 3650

WHEN_HINT = 'try 2026-11-20, 20/11/2026, "yesterday", "3 days ago" or "last friday"'
# For due days, pauses and reviews: examples that look forward.
FUTURE_HINT = 'try friday, "in 2 weeks", "wednesday week", "end of month" or 2026-12-01'
# A time after a day: "yesterday 3pm", "last thursday at 10:30".
_WITH_TIME = re.compile(r"^(.+?)\s+(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_WEEKDAY_WEEK = re.compile(r"^([a-z]+) week$")
# A time before a day: "3pm yesterday", "10:30 on monday".
_TIME_FIRST = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s+(?:on\s+)?(.+)$")
# Parts of today, as people log them: a time to keep, shown in every echo.
PARTS_OF_DAY = {"this morning": time(10, 0), "this afternoon": time(15, 0), "this evening": time(19, 0)}
# "the 23rd", "monday 23rd", "on the 23rd": a day of the month, the nearest one the field looks to.
_ORDINAL = re.compile(r"^(?:on )?(?:(?!the\b)([a-z]+),? )?(?:the )?(\d{1,2})(st|nd|rd|th)?$")
_WEEKDAY_GONE = re.compile(r"^([a-z]+) (?:gone|just gone)$")
_WEEK_LAST = re.compile(r"^(?:a|one) week (?:last|before last|on from last) ([a-z]+)$")


def _hint(prefer: str) -> str:
    return FUTURE_HINT if prefer == "future" else WHEN_HINT


def _count(word: str) -> int:
    return _NUMBER_WORDS[word] if word in _NUMBER_WORDS else int(word)


def _shift(day: date, amount: int, unit: str) -> date:
    if unit == "days":
        return day + timedelta(days=amount)
    if unit == "weeks":
        return day + timedelta(weeks=amount)
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(**{unit: amount})


def _check_range(day: date, text: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise BadInput(f'"{text}" is outside the dates keepgoing can keep ({day.year}).')
    return day


def _relative(words: str, today: date, prefer: str) -> date | None:
    # "a fortnight" is two weeks, as UK speakers say it.
    words = re.sub(r"\b(?:a |one )?fortnight\b", "2 weeks", words)
    day = _named_day(words, today, prefer)
    if day is None:
        day = _weekday_phrase(words, today)
    if day is None:
        day = _counted(words, today, prefer)
    return day


def _last(weekday: int, today: date) -> date:
    """The last such weekday before today ("last tuesday")."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


def _next(weekday: int, today: date) -> date:
    """The next such weekday after today ("next monday")."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _named_day(words: str, today: date, prefer: str) -> date | None:
    """A day said in words alone: today, yesterday, next week, end of month, a bare weekday."""
    named = {
        "today": 0, "now": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
        "day before yesterday": -2, "the day before yesterday": -2, "last week": -7, "next week": 7,
    }  # fmt: skip
    if words in named:
        return today + timedelta(days=named[words])
    if words in WEEKDAYS:
        # A bare weekday means the nearest one in the direction the field looks; where
        # only the future makes sense (a due day, a pause) it is the next one, never today.
        if prefer == "future":
            return _next(WEEKDAYS[words], today)
        return today - timedelta(days=(today.weekday() - WEEKDAYS[words]) % 7)
    if words in ("end of month", "end of the month", "the end of the month", "month end"):
        return _month_end(today)
    if words in ("end of next month", "the end of next month"):
        return _month_end(_month_end(today) + timedelta(days=1))
    return None


def _weekday_phrase(words: str, today: date) -> date | None:
    """A weekday with words around it: "tuesday gone", "a week last tuesday", "wednesday week", "next monday"."""
    if (match := _WEEKDAY_GONE.match(words)) and match[1] in WEEKDAYS:
        # "Tuesday gone": the last Tuesday before today, as "last tuesday".
        return _last(WEEKDAYS[match[1]], today)
    if (match := _WEEK_LAST.match(words)) and match[1] in WEEKDAYS:
        # "A week last Tuesday": the week before last Tuesday.
        return _last(WEEKDAYS[match[1]], today) - timedelta(weeks=1)
    if (match := _WEEKDAY_WEEK.match(words)) and match[1] in WEEKDAYS:
        # "Wednesday week": a week after the coming Wednesday.
        return _next(WEEKDAYS[match[1]], today) + timedelta(weeks=1)
    if (match := _RELATIVE_WEEKDAY.match(words)) and match[2] in WEEKDAYS:
        target = WEEKDAYS[match[2]]
        if match[1] == "last":
            return _last(target, today)
        if match[1] == "next":
            return _next(target, today)
        return today + timedelta(days=(target - today.weekday()) % 7)
    return None


def _counted(words: str, today: date, prefer: str) -> date | None:
    """A day counted from today: "3 days ago", "in 2 weeks", "the 23rd"."""
    if (
        (match := _ORDINAL.match(words))
        and (match[1] is None or match[1] in WEEKDAYS)  # "nov 23" is a written date, read elsewhere
        and (match[1] or match[3] or words.startswith(("the ", "on ")))
    ):
        return _day_of_month(words, match, today, prefer)
    if match := _AGO.match(words):
        return _shift(today, -_count(match[1]), _UNITS[match[2]])
    if match := _IN.match(words):
        return _shift(today, _count(match[1]), _UNITS[match[2]])
    return None


def _day_of_month(text: str, match: re.Match[str], today: date, prefer: str) -> date:
    """ "the 23rd": this month's 23rd, or the nearest one on the side of today the field looks.

    Only ever within this year: a 23rd that would be last year's or next year's is refused
    with the date to type, and a weekday given with it must agree.
    """
    weekday = match[1]
    number = int(match[2])
    if not 1 <= number <= 31:
        raise BadInput(f'"{text}" is not a day of the month.')
    step = -1 if prefer == "past" else 1
    year, month = today.year, today.month
    for _ in range(3):  # the 31st: the nearest month that has one
        try:
            day = date(year, month, number)
        except ValueError:
            day = None
        if day is not None and (prefer == "either" or (day <= today if step < 0 else day >= today)):
            break
        month += step
        if not 1 <= month <= 12:
            year, month = year + step, (month - 1) % 12 + 1
    else:
        raise BadInput(f'"{text}" is not a day of the month.')
    if day is None:
        raise BadInput(f'"{text}" is not a day of the month.')
    if day.year != today.year:
        word = "last year" if day.year < today.year else "next year"
        raise BadInput(f"{text} would be {word}: say {day.isoformat()} if you mean it.")
    if weekday is not None and WEEKDAYS[weekday] != day.weekday():
        raise BadInput(f'"{text}" does not add up: {describe_day(day)} is a {day:%A}.')
    return day


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _time_of_day(hour: str, minute: str | None, half: str | None) -> time | None:
    """ "3pm", "15:00", "10:30am" as a time; None when it is not one."""
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half == "pm" else 0)
    elif minute is None:
        return None  # a bare number is not a time ("in 3" is not "in at 3 o'clock")
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return time(h, m)


def _iso(text: str) -> When | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        if len(text) == 10:
            return When(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f'"{text}" is not a real date or time ({WHEN_HINT}).') from None
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # show and reason in the user's local time
    return When(moment.date(), moment.time().replace(tzinfo=None))


def _written(text: str, today: date, prefer: str, dayfirst: bool) -> When:
    from dateutil import parser

    WHEN_HINT = _hint(prefer)
    _day_month_as_set(text, dayfirst)

    # Parse against two different defaults: a field that differs between the two
    # results was not in the text, so we can tell what the user really wrote.
    # (Naive on purpose: a time zone in the text is refused below, by seeing one in the result.)
    first_default = datetime.combine(date(2001, 1, 1), time(0, 0))
    second_default = datetime.combine(date(2002, 2, 2), time(13, 37))
    try:
        first = parser.parse(text, default=first_default, dayfirst=dayfirst)
        second = parser.parse(text, default=second_default, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError, parser.ParserError):
        raise BadInput(f'Could not read "{text}" as a date ({WHEN_HINT}).') from None
    if first.tzinfo is not None or second.tzinfo is not None:
        raise BadInput(f'Could not read "{text}" as a date: leave out the time zone.')
    if first.day != second.day or first.month != second.month:
        raise BadInput(f'"{text}" needs a day and a month ({WHEN_HINT}).')
    # "7pm" gives an hour and no minute: the minute is then o'clock, not the default's.
    has_time = first.hour == second.hour
    if has_time and first.minute != second.minute and not _HOUR_ONLY.search(text):
        raise BadInput(f'Could not read the time in "{text}": write it as 7:30pm or 19:30.')
    if first.year == second.year:
        _year_as_written(text, first.year, today)
        day = first.date()
    else:
        # No year written: this year's, and never another year in silence (PRODUCT.md).
        try:
            day = first.replace(year=today.year).date()
        except ValueError:  # 29 February outside a leap year
            raise BadInput(f'"{text}" is not a date in {today.year}.') from None
        if prefer == "past" and day > today:
            earlier = _in_year(day, today.year - 1)
            last_year = f": say {_numeric(earlier, dayfirst)} if you mean last year" if earlier else ""
            raise BadInput(f"{text} is still to come this year{last_year}.")
        if prefer == "future" and day < today:
            later = _in_year(day, today.year + 1)
            choices = [_numeric(day, dayfirst), *([_numeric(later, dayfirst)] if later else [])]
            raise BadInput(f"{text} has passed this year: say {' or '.join(choices)}.")
    for token in re.findall(r"[a-z]+", text):
        if token in WEEKDAYS and WEEKDAYS[token] != day.weekday():
            raise BadInput(f'"{text}" does not add up: {describe_day(day)} is a {day:%A}.')
    return When(day, first.time() if has_time else None)


_HOUR_ONLY = re.compile(r"(?<![\d:.])\d{1,2}\s*[ap]m\b")
# "7.30pm" and "at 7.30", as the UK writes times, are 7:30.
_DOT_TIMES = (
    (re.compile(r"\b(\d{1,2})\.(\d{2})(\s*[ap]m)\b"), r"\1:\2\3"),
    (re.compile(r"\bat (\d{1,2})\.(\d{2})\b"), r"at \1:\2"),
)


def _in_year(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def _numeric(day: date, dayfirst: bool) -> str:
    """27/11/2026 (or 11/27/2026 month-first): a date with its year, as the user writes dates."""
    return f"{day.day}/{day.month}/{day.year}" if dayfirst else f"{day.month}/{day.day}/{day.year}"


# 11/25, 11-25-2026, 11.25.2026 (with dots only with a year: 7.30 is a time); never 7.30pm.
_NUMERIC_DATE = re.compile(
    r"(?<![\d:./-])(\d{1,2})(?:([/-])(\d{1,2})((?:\2\d{2,4})?)|(\.)(\d{1,2})(\5\d{2,4}))(?![\d:./-]|\s*[ap]m\b)"
)


def _day_month_as_set(text: str, dayfirst: bool) -> None:
    """Refuse 11/25 when dates are day-first (the parser would quietly read it month-first)."""
    for match in _NUMERIC_DATE.finditer(text):
        first = match[1]
        sep, second, year = match.group(2, 3, 4) if match[2] else match.group(5, 6, 7)
        month = int(second) if dayfirst else int(first)
        if month > 12 and int(first if dayfirst else second) <= 12:
            raise BadInput(f"{match[0]} has no month {month}: did you mean {second}{sep}{first}{year}?")


_TIMES = re.compile(r"\d{1,2}(?::\d{2}){1,2}|\d{1,2}\s*(?:am|pm)\b")


def _year_as_written(text: str, year: int, today: date) -> None:
    """Refuse a year the parser would have guessed: "0001" is not 2001, "1/1/1" is not a date.

    A year is taken as written in full (four digits, and then exactly that
    year) or as two digits (26 for 2026); anything else is refused.
    """
    numbers = re.findall(r"\d+", _TIMES.sub(" ", text))
    full = [n for n in numbers if len(n) == 4]
    if full:
        if int(full[-1]) != year:
            raise BadInput(f'"{text}": keepgoing keeps dates from {EARLIEST.year} to {LATEST.year}.')
        return
    if not any(len(n) == 2 and int(n) == year % 100 for n in numbers):
        raise BadInput(f'"{text}": write the year in full, for example {today.year}.')


def parse_when(text: str, *, today: date, dayfirst: bool, prefer: str = "past") -> When:
    """Read a WHEN. `prefer` is "past" for when something happened, "future" for due dates.

    `dayfirst`: whether 03/04/2026 is 3 April (`settings.dayfirst()`, the user's date order).

    "either" (the edges of a period) looks back only for a bare weekday. A day and
    month without a year are this year's; where that day is on the wrong side of
    today for the field, it is refused with the years to choose from.
    """
    words = " ".join(text.strip().casefold().split())
    if not words:
        raise BadInput(f"A date cannot be empty ({_hint(prefer)}).")
    if len(words) > 64:
        raise BadInput("That date is too long to be a date.")
    for pattern, replacement in _DOT_TIMES:
        words = pattern.sub(replacement, words)
    try:
        relative = _relative(words, today, prefer)
        at = PARTS_OF_DAY.get(words)
        if at is not None:
            relative = today
        if relative is None and (match := _WITH_TIME.match(words)):
            at = _time_of_day(match[2], match[3], match[4])
            relative = _relative(match[1], today, prefer) if at is not None else None
        if relative is None and (match := _TIME_FIRST.match(words)):
            at = _time_of_day(match[1], match[2], match[3])
            relative = _relative(match[4], today, prefer) if at is not None else None
    except (OverflowError, ValueError):
        raise BadInput(f'"{text.strip()}" is too far away to be a date.') from None
    if relative is not None:
        return When(_check_range(relative, text.strip()), at)
    when = _iso(words.upper().replace(" ", "T", 1) if re.match(r"^\d{4}-", words) else words)
    if when is None:
        when = _written(words, today, prefer, dayfirst)
    _check_range(when.day, text.strip())
    if when.time is not None and not clock.wall_time_exists(when.day, when.time):
        raise BadInput(
            f"{when.time:%H:%M} on {describe_day(when.day)} does not exist in {clock.zone_name()}: "
            "the clocks went forward."
        )
    return when


def parse_duration(text: str, *, allow_zero: bool = False) -> int:
    """Read a DURATION (`10d`, `2w`, `1m`, `weekly`, ...) as a number of days."""
    words = " ".join(text.strip().casefold().split())
    if words in DURATION_NAMES:
        return DURATION_NAMES[words]
    match = _DURATION.match(words)
    if not match:
        raise BadInput(
            f'Could not read "{text}" as a length of time (try 10d, 2w, 1m, weekly, fortnightly or monthly).'
        )
    days = int(match[1]) * _DURATION_DAYS[match[2][0]]
    if days == 0 and not allow_zero:
        raise BadInput("A rhythm needs at least one day.")
    if days > MAX_DURATION_DAYS:
        raise BadInput(f'"{text}" is longer than ten years; try something shorter.')
    return days
