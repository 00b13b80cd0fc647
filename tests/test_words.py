"""Words people use (issue 22): the options, channels, dates and commands people reach for.

Today is Friday 20 November 2026, 10:00 in London (conftest's clock).
"""

from __future__ import annotations

import json
import sys
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import fingerprint
from keepgoing.dates import parse_when
from keepgoing.errors import BadInput

FRIDAY = date(2026, 11, 20)


def j(result) -> object:
    return json.loads(result.stdout)


def test_rhythm_and_mobile_are_every_and_phone(kg) -> None:
    kg("add", "Sam Okafor", "--rhythm", "2w", "--mobile", "07700 900123")
    sam = j(kg("show", "sam", "--json"))
    assert sam["cadence_days"] == 14 and sam["phone"] == "07700 900123"
    out = kg("edit", "sam", "--rhythm", "weekly", "--mobile", "07700 900999").stdout
    assert "rhythm" in out and "phone" in out
    sam = j(kg("show", "sam", "--json"))
    assert sam["cadence_days"] == 7 and sam["phone"] == "07700 900999"
    assert "--rhythm" in kg("add", "--help").stdout and "--mobile" in kg("edit", "--help").stdout


CHANNEL_WORDS = {
    "txt": "text",
    "SMS": "text",
    "whatsapp": "text",
    "facetime": "video",
    "Zoom": "video",
    "teams": "video",
    "natter": "cuppa",
    "coffee": "cuppa",
}


def test_channel_words_people_use(kg) -> None:
    for number, (word, channel) in enumerate(CHANNEL_WORDS.items(), 1):
        kg("add", f"Person {number}", "--prefers", word)
        kg("log", f"Person {number}", "--via", word)
        person = j(kg("show", f"Person {number}", "--json"))
        assert (person["prefers"], person["conversations"][0]["via"]) == (channel, channel), word


def test_an_unknown_channel_word_is_still_refused(kg) -> None:
    kg("add", "Sam Okafor")
    assert "not a way of keeping in touch" in kg("log", "sam", "--via", "pigeon", expect=1).stderr


@pytest.mark.parametrize(
    ("text", "prefer", "day", "at"),
    [
        ("3pm yesterday", "past", date(2026, 11, 19), time(15)),
        ("10:30 on monday", "past", date(2026, 11, 16), time(10, 30)),
        ("this morning", "past", FRIDAY, time(10)),
        ("this afternoon", "past", FRIDAY, time(15)),
        ("This Evening", "past", FRIDAY, time(19)),
        ("day before yesterday", "past", date(2026, 11, 18), None),
        ("the day before yesterday", "past", date(2026, 11, 18), None),
        ("the 23rd", "past", date(2026, 10, 23), None),
        ("the 23rd", "future", date(2026, 11, 23), None),
        ("the 20th", "past", FRIDAY, None),
        ("on the 2nd", "past", date(2026, 11, 2), None),
        ("the 31st", "past", date(2026, 10, 31), None),  # November has no 31st
        ("23rd", "future", date(2026, 11, 23), None),
        ("monday 23rd", "future", date(2026, 11, 23), None),
        ("Monday the 23rd", "future", date(2026, 11, 23), None),
        ("friday 23rd", "past", date(2026, 10, 23), None),
        ("the 19th at 3pm", "past", date(2026, 11, 19), time(15)),
        ("a week last tuesday", "past", date(2026, 11, 10), None),
        ("tuesday gone", "past", date(2026, 11, 17), None),
        ("friday gone", "past", date(2026, 11, 13), None),
        ("nov 3", "past", date(2026, 11, 3), None),  # still a written date
        ("3rd nov", "past", date(2026, 11, 3), None),
    ],
)
def test_dates_people_say(text: str, prefer: str, day: date, at: time | None) -> None:
    when = parse_when(text, today=FRIDAY, prefer=prefer, dayfirst=True)
    assert (when.day, when.time) == (day, at)


@pytest.mark.parametrize(
    ("text", "today", "prefer", "message"),
    [
        ("the 23rd", date(2026, 1, 5), "past", "would be last year: say 2025-12-23"),
        ("the 2nd", date(2026, 12, 5), "future", "would be next year: say 2027-01-02"),
        ("monday 23rd", FRIDAY, "past", "does not add up: Fri 23 Oct 2026 is a Friday"),
        ("the 32nd", FRIDAY, "past", "not a day of the month"),
        ("the 0th", FRIDAY, "past", "not a day of the month"),
        ("blursday 23rd", FRIDAY, "past", "Could not read"),
    ],
)
def test_a_day_of_the_month_is_never_moved_a_year_or_guessed(text, today, prefer, message) -> None:
    with pytest.raises(BadInput, match=message):
        parse_when(text, today=today, prefer=prefer, dayfirst=True)


@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    number=st.integers(min_value=1, max_value=31),
    prefer=st.sampled_from(["past", "future"]),
)
def test_the_nth_is_the_nearest_such_day_this_year_or_a_clear_refusal(today, number, prefer) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(number, "th")
    try:
        day = parse_when(f"the {number}{suffix}", today=today, prefer=prefer, dayfirst=True).day
    except BadInput as refused:
        assert "year" in str(refused)
        return
    assert day.day == number and day.year == today.year
    assert day <= today if prefer == "past" else day >= today
    # No nearer day of that number on that side of today.
    step = timedelta(days=-1 if prefer == "past" else 1)
    between = today
    while between != day:
        assert between.day != number
        between += step


def test_log_echoes_the_date_and_time_it_understood(kg) -> None:
    kg("add", "Sam Okafor")
    assert "Thu 19 Nov 2026, 3pm" in kg("log", "sam", "--when", "3pm yesterday").stdout
    assert "Fri 20 Nov 2026, 10am" in kg("log", "sam", "--when", "this morning").stdout
    assert "Wed 18 Nov 2026" in kg("log", "sam", "--when", "day before yesterday").stdout
    assert "Tue 10 Nov 2026" in kg("log", "sam", "--when", "a week last tuesday").stdout
    assert "Tue 17 Nov 2026" in kg("log", "sam", "--when", "tuesday gone").stdout
    assert "Fri 23 Oct 2026" in kg("log", "sam", "--when", "the 23rd").stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("log", "sam", "--note", "Coffee", "at", "the", "hub"),
            '"at the hub" looks like more of the note; put it all in quotes: '
            'keepgoing log sam --note "Coffee at the hub"',
        ),
        (
            ("log", "sam", "--when", "yesterday", "3pm"),
            '"3pm" looks like more of the date; put it all in quotes: keepgoing log sam --when "yesterday 3pm"',
        ),
        (
            ("log", "rhys", "24/11"),
            '"24/11" looks like a date, not a name; give it with --when: keepgoing log rhys --when 24/11',
        ),
        (
            ("log", "chris", "patel", "--via", "phone"),
            '"chris patel" is one person (Chris Patel); put the name in quotes: '
            'keepgoing log "chris patel" --via phone',
        ),
        (
            ("log", "sam", "--note", "Coffee", "at", "the", "hub", "--new"),
            '"at the hub" looks like more of the note; put it all in quotes: '
            'keepgoing log sam --note "Coffee at the hub" --new',
        ),
        (
            ("edit", "chris", "patel", "--org", "Food bank"),
            '"chris patel" is one person (Chris Patel); put the name in quotes: '
            'keepgoing edit "chris patel" --org "Food bank"',
        ),
    ],
)
def test_leftover_words_are_explained_with_the_command_quoted(kg, db_path, args, said) -> None:
    for name in ("Sam Okafor", "Chris Patel", "Chris Jones", "Rhys Evans"):
        kg("add", name)
    before = fingerprint(db_path)
    result = kg(*args, expect=2)
    assert result.stderr.strip() == f"Error: {said}"
    assert fingerprint(db_path) == before


def test_words_that_only_look_left_over_are_left_alone(kg) -> None:
    kg("add", "Chris Patel")
    kg("add", "Sam Okafor")
    # Each word finds the same one person: logged, as before.
    assert "Logged a conversation with Chris Patel" in kg("log", "chris", "patel").stdout
    # A name nobody has is the usual message, not a guess.
    assert "No one called" in kg("log", "nobody", expect=1).stderr
    # Several real people are several people.
    assert "Chris Patel and Sam Okafor" in kg("log", "chris", "sam", "--note", "hub").stdout


@pytest.mark.parametrize(
    ("word", "points_to"),
    [
        ("help", "keepgoing --help"),
        ("list", "keepgoing people"),
        ("delete", "keepgoing unlog"),
        ("remove", "keepgoing forget"),
        ("Delete", "keepgoing archive"),
    ],
)
def test_commands_people_reach_for_point_to_the_real_ones(kg, word: str, points_to: str) -> None:
    result = kg(word, "sam", expect=2)
    assert points_to in result.stderr and result.stderr.count("\n") == 1


def test_pause_with_a_reason_is_shown_kept_and_cleared(kg, tmp_path) -> None:
    kg("add", "Sam Okafor")
    out = kg("pause", "sam", "--until", "in 2 weeks", "--reason", "in hospital [bold]x[/bold]").stdout
    assert out.startswith("Paused Sam Okafor until Fri 4 Dec 2026 (in hospital [bold]x[/bold])")
    again = kg("pause", "sam", "--until", "in 2 weeks", "--reason", "in hospital [bold]x[/bold]").stdout
    assert again.startswith("Nothing changed")
    assert "in hospital [bold]x[/bold]" in kg("show", "sam").stdout
    assert "in hospital [bold]x[/bold]" in kg("people").stdout
    assert j(kg("show", "sam", "--json"))["pause_reason"] == "in hospital [bold]x[/bold]"
    assert j(kg("people", "--json"))[0]["pause_reason"] == "in hospital [bold]x[/bold]"
    backup = tmp_path / "all.json"
    kg("export", "--output", str(backup))
    assert json.loads(backup.read_text())["people"][0]["pause_reason"] == "in hospital [bold]x[/bold]"
    # A new pause without a reason has none; resume clears it.
    kg("pause", "sam", "--until", "in 3 weeks")
    assert j(kg("show", "sam", "--json"))["pause_reason"] is None
    kg("pause", "sam", "--until", "in 3 weeks", "--reason", "on holiday")
    kg("resume", "sam")
    assert j(kg("show", "sam", "--json"))["pause_reason"] is None
    assert (
        "the limit is 500" in kg("pause", "sam", "--until", "friday", "--reason", "x" * 501, expect=1).stderr
    )


def test_a_pause_reason_survives_export_and_import(kg, tmp_path, new_store) -> None:
    import shutil

    kg("add", "Sam Okafor")
    kg("pause", "sam", "--until", "in 2 weeks", "--reason", "caring for mum")
    backup = tmp_path / "all.json"
    kg("export", "--output", str(backup))
    other = tmp_path / "other.db"
    shutil.copyfile(new_store, other)
    kg("--db", str(other), "import", str(backup))
    assert j(kg("--db", str(other), "show", "sam", "--json"))["pause_reason"] == "caring for mum"


def test_forget_redacts_a_person_named_in_someone_elses_pause_reason(kg) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Ann Lee")
    kg("pause", "ann", "--until", "in 2 weeks", "--reason", "looking after Sam Okafor")
    kg("forget", "sam", "--yes")
    assert j(kg("show", "ann", "--json"))["pause_reason"] == "looking after [someone]"


def test_snooze_takes_a_day_as_well_as_a_length(kg) -> None:
    kg("add", "Sam Okafor")
    assert "Tue 24 Nov 2026" in kg("snooze", "sam", "tuesday").stdout
    assert j(kg("show", "sam", "--json"))["due_on"] == "2026-11-24"
    assert "Mon 23 Nov 2026" in kg("snooze", "sam", "3d").stdout
    assert "Mon 23 Nov 2026" in kg("snooze", "sam", "the 23rd").stdout
    assert "not after today" in kg("snooze", "sam", "today", expect=1).stderr
    assert "Could not read" in kg("snooze", "sam", "whenever", expect=1).stderr


@pytest.fixture
def at_a_terminal(monkeypatch):
    monkeypatch.setattr("keepgoing.cli.log_command.interactive", lambda: True)
    monkeypatch.setattr("keepgoing.cli.prompts.can_ask", lambda: True)


def test_interactive_log_offers_wellbeing_feeling_and_a_follow_up(kg, at_a_terminal) -> None:
    kg("add", "Sam Okafor")
    answers = "sam\ncuppa\nTalked about the allotment\n9\n4\nhopeful\nSend the minutes\nsoonish\nfriday\n"
    out = kg("log", input=answers)
    assert "Wellbeing is a number from 1" in out.stderr + out.stdout
    sam = j(kg("show", "sam", "--json"))
    talk = sam["conversations"][0]
    assert talk["via"] == "cuppa" and talk["note"] == "Talked about the allotment"
    assert talk["wellbeing"] == 4 and talk["feeling"] == "hopeful"
    assert [(f["text"], f["due"]) for f in sam["follow_ups"]] == [("Send the minutes", "2026-11-27")]


def test_interactive_log_skips_each_question_with_enter(kg, at_a_terminal) -> None:
    kg("add", "Sam Okafor")
    kg("log", input="sam\nphone\n\n\n\n\n")
    sam = j(kg("show", "sam", "--json"))
    talk = sam["conversations"][0]
    assert talk["wellbeing"] is None and talk["feeling"] is None and talk["note"] is None
    assert sam["follow_ups"] == []


EDITOR = """
import os, pathlib, sys
form = pathlib.Path(sys.argv[1])
text = form.read_text()
for pair in os.environ["FORM_REPLACE"].split("||"):
    old, new = pair.split("=>")
    assert old in text, old
    text = text.replace(old, new)
form.write_text(text)
"""


@pytest.fixture
def editor(monkeypatch, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    return lambda *pairs: monkeypatch.setenv("FORM_REPLACE", "||".join(pairs))


def test_a_bad_value_in_the_edit_form_is_asked_again_and_the_rest_kept(kg, editor, monkeypatch) -> None:
    kg("add", "Sam Okafor", "--email", "sam@example.org")
    monkeypatch.setattr("keepgoing.cli.prompts.can_ask", lambda: True)
    editor(
        'phone = ""=>phone = "07700 900999"',
        'rhythm = "monthly"=>rhythm = "sometimes"',
        'email = "sam@example.org"=>email = "not an email"',
        'tags = []=>tags = ["walking", "bad\\u0007tag"]',
    )
    # In the form's order: email, Enter keeps it; rhythm, a bad answer then a good one;
    # the bad tag, a good one instead.
    result = kg("edit", "sam", "--form", input="\noften\n2w\ncarers\n")
    assert "sometimes" in result.stderr and "not an email" in result.stderr
    sam = j(kg("show", "sam", "--json"))
    assert sam["phone"] == "07700 900999" and sam["cadence_days"] == 14
    assert sam["email"] == "sam@example.org" and sam["tags"] == ["carers", "walking"]


def test_a_bad_value_in_the_edit_form_off_a_terminal_saves_nothing(kg, editor, db_path) -> None:
    kg("add", "Sam Okafor")
    before = fingerprint(db_path)
    editor('phone = ""=>phone = "07700 900999"', 'rhythm = "monthly"=>rhythm = "sometimes"')
    assert "sometimes" in kg("edit", "sam", "--form", expect=1).stderr
    assert fingerprint(db_path) == before
