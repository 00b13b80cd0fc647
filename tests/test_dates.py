from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keepgoing.date_display import describe_day, describe_rhythm
from keepgoing.dates import parse_duration, parse_when
from keepgoing.errors import BadInput
from keepgoing.moment import When

FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", FRIDAY),
        ("Yesterday", date(2026, 11, 19)),
        ("tomorrow", date(2026, 11, 21)),
        ("3 days ago", date(2026, 11, 17)),
        ("a week ago", date(2026, 11, 13)),
        ("2 weeks ago", date(2026, 11, 6)),
        ("1 month ago", date(2026, 10, 20)),
        ("in 2 weeks", date(2026, 12, 4)),
        ("in 3 days", date(2026, 11, 23)),
        ("last friday", date(2026, 11, 13)),
        ("last thursday", date(2026, 11, 19)),
        ("next monday", date(2026, 11, 23)),
        ("next friday", date(2026, 11, 27)),
        ("2026-11-02", date(2026, 11, 2)),
        ("20 Nov 2026", FRIDAY),
        ("November 20, 2026", FRIDAY),
        ("Fri 20 Nov 2026", FRIDAY),
        ("3/4/2026", date(2026, 4, 3)),  # day first, as in the UK
        ("20/11/2026", FRIDAY),
        ("20th November 2026", FRIDAY),
    ],
)
def test_reads_the_dates_people_type(text: str, expected: date) -> None:
    assert parse_when(text, today=FRIDAY, dayfirst=True).day == expected


def test_bare_weekday_looks_back_for_past_fields_and_forward_for_due_dates() -> None:
    assert parse_when("monday", today=FRIDAY, prefer="past", dayfirst=True).day == date(2026, 11, 16)
    assert parse_when("monday", today=FRIDAY, prefer="future", dayfirst=True).day == date(2026, 11, 23)
    # Where only the future makes sense, today's weekday is next week's (issue 14).
    assert parse_when("friday", today=FRIDAY, prefer="future", dayfirst=True).day == date(2026, 11, 27)


def test_a_date_without_a_year_is_this_years_and_never_moved_to_another() -> None:
    assert parse_when("25 Dec", today=FRIDAY, prefer="future", dayfirst=True).day == date(2026, 12, 25)
    assert parse_when("1 Nov", today=FRIDAY, prefer="past", dayfirst=True).day == date(2026, 11, 1)
    assert parse_when("25 Dec", today=FRIDAY, prefer="either", dayfirst=True).day == date(2026, 12, 25)
    # Issue 20: on the wrong side of today for the field, refused with the years to choose.
    with pytest.raises(BadInput, match=r"^1 nov has passed this year: say 1/11/2026 or 1/11/2027\.$"):
        parse_when("1 Nov", today=FRIDAY, prefer="future", dayfirst=True)
    with pytest.raises(BadInput, match=r"^25/12 is still to come this year: say 25/12/2025 if you mean last"):
        parse_when("25/12", today=FRIDAY, prefer="past", dayfirst=True)
    with pytest.raises(BadInput, match=r"say 11/1/2026 or 11/1/2027"):
        parse_when("11/1", today=FRIDAY, prefer="future", dayfirst=False)


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), st.booleans())
def test_a_day_and_month_is_read_in_this_year_or_refused(day: date, future: bool) -> None:
    """Whatever the day, a date without a year is this year's or refused: never another year."""
    today = date(2026, 12, 2)
    try:
        read = parse_when(
            f"{day.day}/{day.month}", today=today, prefer="future" if future else "past", dayfirst=True
        )
    except BadInput as problem:
        assert (day < today) if future else (day > today)
        assert f"{day.day}/{day.month}/2026 or" in str(problem) if future else "/2025 if" in str(problem)
    else:
        assert read.day == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11/25/2026", "11/25/2026 has no month 25: did you mean 25/11/2026?"),
        ("11/20", "11/20 has no month 20: did you mean 20/11?"),
        ("11/20 3pm", "11/20 has no month 20: did you mean 20/11?"),
        ("11.25.2026", "11.25.2026 has no month 25: did you mean 25.11.2026?"),
        ("11-25", "11-25 has no month 25: did you mean 25-11?"),
    ],
)
def test_a_numeric_date_that_cannot_be_day_first_is_refused_with_its_other_reading(text, message) -> None:
    with pytest.raises(BadInput) as problem:
        parse_when(text, today=FRIDAY, dayfirst=True)
    assert str(problem.value) == message
    assert parse_when("03/04", today=FRIDAY, dayfirst=True).day == date(2026, 4, 3)


def test_month_first_refuses_a_day_first_date_the_same_way() -> None:
    with pytest.raises(BadInput, match=r"^25/11/2026 has no month 25: did you mean 11/25/2026\?$"):
        parse_when("25/11/2026", today=FRIDAY, dayfirst=False)


ABBREVIATIONS = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip


@given(
    st.sampled_from(sorted(ABBREVIATIONS)),
    st.sampled_from(["", "last ", "next ", "this "]),
    st.dates(min_value=date(2001, 1, 8), max_value=date(2098, 12, 20)),
    st.sampled_from(["past", "future"]),
    st.sampled_from(["", " 3pm"]),
)
def test_every_weekday_abbreviation_reads_as_its_weekday(word, lead, today, prefer, at) -> None:
    text = f"{lead}{word}{at}".title()
    read = parse_when(text, today=today, prefer=prefer, dayfirst=True)
    assert read.day.weekday() == ABBREVIATIONS[word]
    assert abs((read.day - today).days) <= 7
    assert read == parse_when(
        f"{lead}{_FULL[ABBREVIATIONS[word]]}{at}", today=today, prefer=prefer, dayfirst=True
    )


_FULL = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("19/11 7pm", time(19, 0)),
        ("20/11 at 2pm", time(14, 0)),
        ("19/11 7:30pm", time(19, 30)),
        ("19/11 7.30pm", time(19, 30)),
        ("19 Nov at 7.30", time(7, 30)),
        ("yesterday 7.30pm", time(19, 30)),
    ],
)
def test_a_time_after_a_day_and_month_is_kept(text, at) -> None:
    assert parse_when(text, today=FRIDAY, dayfirst=True).time == at


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=FRIDAY),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.sampled_from(["24h", "12h", "12h dot", "at 12h"]),
)
def test_any_time_typed_after_a_day_is_the_time_kept(day: date, at: time, style: str) -> None:
    hour = at.hour % 12 or 12
    half = "am" if at.hour < 12 else "pm"
    typed = {
        "24h": f"{at:%H:%M}",
        "12h": f"{hour}:{at.minute:02d}{half}" if at.minute else f"{hour}{half}",
        "12h dot": f"{hour}.{at.minute:02d}{half}",
        "at 12h": f"at {hour}:{at.minute:02d} {half}",
    }[style]
    text = f"{day.day}/{day.month} {typed}"
    if (day, at.hour) == (date(2026, 3, 29), 1):  # the hour the clocks skipped
        with pytest.raises(BadInput, match="the clocks went forward"):
            parse_when(text, today=FRIDAY, dayfirst=True)
    else:
        assert parse_when(text, today=FRIDAY, dayfirst=True) == When(day, at)


def test_a_time_the_clocks_skipped_is_refused() -> None:
    """Issue 19: 01:30 on the night the clocks go forward never happened in London."""
    for text in ("2026-03-29 01:30", "29 Mar 2026 1:30am"):
        with pytest.raises(BadInput) as problem:
            parse_when(text, today=FRIDAY, dayfirst=True)
        assert str(problem.value) == (
            "01:30 on Sun 29 Mar 2026 does not exist in Europe/London: the clocks went forward."
        )
    assert parse_when("2026-03-29 02:30", today=FRIDAY, dayfirst=True).time == time(2, 30)


def test_month_first_setting_switches_numeric_dates() -> None:
    assert parse_when("3/4/2026", today=FRIDAY, dayfirst=False).day == date(2026, 3, 4)


def test_times_are_kept_when_given() -> None:
    when = parse_when("2026-11-19 14:30", today=FRIDAY, dayfirst=True)
    assert when == When(date(2026, 11, 19), time(14, 30))
    assert parse_when("19 Nov 2026 9:15", today=FRIDAY, dayfirst=True).time == time(9, 15)
    assert parse_when("19 Nov 2026", today=FRIDAY, dayfirst=True).time is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "soon",
        "2026-02-30",
        "2026-13-01",
        "31/02/2026",
        "Nov",  # no day: never invent one
        "2026",
        "blah 12",
        "99999999999 days ago",
        "in 99999 years",
        "Thu 20 Nov 2026",  # 20 Nov 2026 is a Friday
        "20 Nov 1066",
        "x" * 500,
        "29 Feb",  # 2026 is not a leap year
    ],
)
def test_refuses_what_it_cannot_read_exactly(text: str) -> None:
    with pytest.raises(BadInput):
        parse_when(text, today=FRIDAY, dayfirst=True)


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_clear_refusal(text: str) -> None:
    try:
        when = parse_when(text, today=FRIDAY, dayfirst=True)
    except BadInput as exc:
        assert str(exc)
    else:
        assert date(1900, 1, 1) <= when.day <= date(2200, 12, 31)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_iso_and_written_dates_round_trip(day: date) -> None:
    assert parse_when(day.isoformat(), today=FRIDAY, dayfirst=True).day == day
    assert parse_when(describe_day(day), today=FRIDAY, dayfirst=True).day == day
    assert parse_when(f"{day.day}/{day.month}/{day.year}", today=FRIDAY, dayfirst=True).day == day


@given(st.integers(min_value=0, max_value=20000))
def test_days_ago_counts_back_exactly(days: int) -> None:
    assert parse_when(f"{days} days ago", today=FRIDAY, dayfirst=True).day == FRIDAY - timedelta(days=days)


def test_when_instant_is_now_for_today_and_local_noon_otherwise() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert When(FRIDAY).instant(now) == now
    # London is on BST in July: noon local is 11:00 UTC.
    assert When(date(2026, 7, 1)).instant(now) == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("10d", 10),
        ("2w", 14),
        ("1m", 30),
        ("weekly", 7),
        ("Fortnightly", 14),
        ("monthly", 30),
        ("3 weeks", 21),
        ("1y", 365),
    ],
)
def test_durations(text: str, days: int) -> None:
    assert parse_duration(text) == days


@pytest.mark.parametrize("text", ["", "0d", "-3d", "2x", "weekly-ish", "99999d", "1.5w"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(BadInput):
        parse_duration(text)


def test_zero_is_allowed_for_a_window() -> None:
    assert parse_duration("0d", allow_zero=True) == 0


def test_describing() -> None:
    assert describe_day(FRIDAY) == "Fri 20 Nov 2026"
    assert describe_rhythm(14) == "fortnightly"
    assert describe_rhythm(21) == "every 3 weeks"
    assert describe_rhythm(10) == "every 10 days"


# Issue 14: what a UK worker types, read for a fixed today (Friday 20 November 2026).
@pytest.mark.parametrize(
    ("text", "prefer", "day", "at"),
    [
        ("yesterday 3pm", "past", date(2026, 11, 19), time(15, 0)),
        ("yesterday 15:00", "past", date(2026, 11, 19), time(15, 0)),
        ("last thursday 10am", "past", date(2026, 11, 19), time(10, 0)),
        ("last thursday at 10:30am", "past", date(2026, 11, 19), time(10, 30)),
        ("today at 9:30", "past", FRIDAY, time(9, 30)),
        ("in a fortnight", "future", date(2026, 12, 4), None),
        ("a fortnight ago", "past", date(2026, 11, 6), None),
        ("Wednesday week", "future", date(2026, 12, 2), None),
        ("friday week", "future", date(2026, 12, 4), None),
        ("end of month", "future", date(2026, 11, 30), None),
        ("end of next month", "future", date(2026, 12, 31), None),
        # In a future-only place a bare weekday is the next one, never today.
        ("friday", "future", date(2026, 11, 27), None),
        ("saturday", "future", date(2026, 11, 21), None),
        ("friday", "past", FRIDAY, None),
    ],
)
def test_dates_as_people_say_them(text, prefer, day, at) -> None:
    assert parse_when(text, today=FRIDAY, prefer=prefer, dayfirst=True) == When(day, at)


@pytest.mark.parametrize("text", ["fortnight", "a fortnight", "every fortnight", "Fortnightly"])
def test_a_fortnight_is_a_rhythm(text) -> None:
    assert parse_duration(text) == 14


def test_a_bad_due_day_gets_examples_that_look_forward() -> None:
    with pytest.raises(BadInput) as problem:
        parse_when("blorp", today=FRIDAY, prefer="future", dayfirst=True)
    assert "in 2 weeks" in str(problem.value) and "ago" not in str(problem.value)
    with pytest.raises(BadInput) as problem:
        parse_when("blorp", today=FRIDAY, prefer="past", dayfirst=True)
    assert "ago" in str(problem.value)


def test_pausing_until_friday_on_a_friday_means_next_friday(kg) -> None:
    kg("add", "Leah")
    assert "until Fri 27 Nov 2026" in kg("pause", "leah", "--until", "friday").stdout


def test_log_keeps_and_echoes_a_time_typed_after_a_day(kg) -> None:
    """Issue 20: "19/11 7pm" was stored at noon, and nothing showed a time."""
    kg("add", "Sam")
    out = kg("log", "sam", "--when", "19/11 7pm").stdout
    assert "Thu 19 Nov 2026, 7pm (#1)" in out
    kg("log", "sam", "--when", "20/11 at 2pm")
    kg("log", "sam", "--when", "18/11")
    import json

    card = json.loads(kg("show", "sam", "--json").stdout)
    assert [c["when"] for c in card["conversations"]] == [
        "2026-11-20T14:00:00+00:00",
        "2026-11-19T19:00:00+00:00",
        "2026-11-18T12:00:00+00:00",
    ]


def test_a_due_day_that_has_passed_this_year_is_refused_not_moved_a_year(kg, clock, db_path) -> None:
    from datetime import UTC, datetime

    from conftest import fingerprint

    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    kg("add", "Sam")
    before = fingerprint(db_path)
    result = kg("log", "sam", "--when", "23/11", "--follow-up", "Ring back", "--due", "27/11", expect=1)
    assert result.stderr.strip().endswith("27/11 has passed this year: say 27/11/2026 or 27/11/2027.")
    assert "Traceback" not in result.stderr and fingerprint(db_path) == before
    assert "27/11 has passed this year" in kg("pause", "sam", "--until", "27/11", expect=1).stderr
    assert fingerprint(db_path) == before


def test_log_refuses_a_month_first_date_and_a_skipped_hour(kg) -> None:
    kg("add", "Sam")
    result = kg("log", "sam", "--when", "11/25/2026", expect=1)
    assert "11/25/2026 has no month 25: did you mean 25/11/2026?" in result.stderr
    result = kg("log", "sam", "--when", "2026-03-29 01:30", expect=1)
    assert "does not exist in Europe/London" in result.stderr
    assert "Wed 18 Nov 2026" in kg("log", "sam", "--when", "last weds").stdout


def test_a_time_typed_is_shown_in_show_amend_and_the_exports_and_only_then(kg, tmp_path) -> None:
    """A bare day is stored at noon (or when logged): that noon is never shown as a time typed."""
    import json

    kg("add", "Sam")
    kg("log", "sam", "--when", "19/11 7:30pm", "--note", "Late call")
    kg("log", "sam", "--when", "18/11")
    kg("log", "sam", "--when", "17/11 12pm")  # a noon typed is a time typed
    timeline = kg("show", "sam").stdout
    assert "Thu 19 Nov 2026, 7:30pm" in timeline and "Tue 17 Nov 2026, 12pm" in timeline
    assert "Wed 18 Nov 2026 " in timeline and "Wed 18 Nov 2026," not in timeline
    lines = kg("export", "--format", "csv").stdout.splitlines()
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["2026-11-19", "19:30"],
        ["2026-11-18", ""],
        ["2026-11-17", "12:00"],
    ]
    pack = kg("export", "--format", "markdown").stdout
    assert "**Thu 19 Nov 2026, 7:30pm**" in pack and "**Wed 18 Nov 2026**" in pack
    out = kg("amend", "2", "--when", "18/11 9am").stdout
    assert "Wed 18 Nov 2026, 9am): date." in out
    assert "Wed 18 Nov 2026): date." in kg("amend", "2", "--when", "18/11").stdout
    # The JSON export keeps it, so a store copied from it shows the same.
    kg("export", "--output", str(tmp_path / "all.json"))
    given = [c["time_given"] for c in json.loads((tmp_path / "all.json").read_text())["conversations"]]
    assert given == [True, False, True]
    other = ("--db", str(tmp_path / "other.db"))
    kg(*other, "import", str(tmp_path / "all.json"))
    assert "Thu 19 Nov 2026, 7:30pm" in kg(*other, "show", "sam").stdout
