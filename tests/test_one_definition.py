"""One definition of each concept, used by every path (issue 20).

Field limits and messages, the last-contact refresh, and what "active" and
"due" mean are each written once; these tests drive every command that
leans on them and check they agree.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LONG = "x" * 2_500


# --- input checked once, with messages that name the field -------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("win", LONG), "win"),
        (("log", "sam", "--idea", LONG), "idea"),
        (("edit", "sam", "--consent", "given", "--consent-note", LONG), "consent note"),
        (("log", "sam", "--follow-up", LONG), "follow-up"),
    ],
)
def test_a_long_text_is_refused_naming_the_field_typed(kg, db_path, args, field) -> None:
    from conftest import fingerprint

    kg("add", "Sam Okafor", "--every", "weekly")
    before = fingerprint(db_path)
    error = kg(*args, expect=1).stderr
    assert f"The {field} is 2,500 characters long; the limit is 2,000." in error, error
    assert "Traceback" not in error
    assert fingerprint(db_path) == before


def test_the_limits_are_the_columns_lengths() -> None:
    from keepgoing.storage.columns import LENGTHS
    from keepgoing.text import FIELDS, limit

    assert limit("feeling") == LENGTHS[("conversation", "feeling")] == 40
    assert limit("consent note") == LENGTHS[("person", "consent_note")]
    assert all(column in LENGTHS for column in FIELDS.values())


# Each field as a command takes it.
TYPED = {
    "win": lambda text: ("win", text),
    "idea": lambda text: ("log", "sam", "--idea", text),
    "follow-up": lambda text: ("log", "sam", "--follow-up", text),
    "consent note": lambda text: ("edit", "sam", "--consent-note", text),
    "feeling": lambda text: ("log", "sam", "--feeling", text),
    "note": lambda text: ("log", "sam", "--note", text),
    "organisation": lambda text: ("edit", "sam", "--org", text),
}


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(TYPED)), over=st.integers(-2, 2))
@pytest.mark.sqlite_only("a property over one store; the limits are the same on both")
def test_each_field_takes_exactly_its_columns_length(kg, field, over) -> None:
    from keepgoing.text import limit

    kg("add", "Sam Okafor", expect=None)  # once; later examples find him there
    result = kg(*TYPED[field]("w" * (limit(field) + over)), expect=None)
    if over > 0:
        assert result.exit_code == 1, result.output
        assert field in result.stderr.casefold(), result.stderr
    else:
        assert result.exit_code == 0, result.output


def _backup_with(kg, tmp_path, **conversation) -> str:
    """A JSON export of Sam with one conversation, changed as given."""
    kg("add", "Sam Okafor", "--every", "weekly")
    kg("log", "sam", "--note", "a cuppa")
    data = json.loads(kg("export", "--format", "json").stdout)
    data["conversations"][0].update(conversation)
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    kg("forget", "sam", "--yes")  # the import brings Sam back on purpose (--include-forgotten)
    return str(path)


def test_import_refuses_a_feeling_amend_refuses(kg, tmp_path) -> None:
    path = _backup_with(kg, tmp_path, feeling="y" * 50)
    refused = kg("import", path, "--include-forgotten", "Sam Okafor", expect=1).stderr
    assert "a feeling is a word or two (40 characters at most)" in refused.casefold(), refused
    assert kg("people", "--json").stdout.strip() == "[]"
    kg("add", "Ann Lee")
    kg("log", "ann")
    amend = kg("amend", "--feeling", "y" * 50, expect=1).stderr
    assert "A feeling is a word or two (40 characters at most)" in amend


def test_import_refuses_a_wellbeing_log_refuses(kg, tmp_path) -> None:
    path = _backup_with(kg, tmp_path, wellbeing=9)
    assert (
        "wellbeing is a number from 1"
        in kg("import", path, "--include-forgotten", "Sam Okafor", expect=1).stderr.casefold()
    )


# --- one refresh of last contact, due day and wellbeing drop -----------------------------


def test_import_and_copy_notice_a_wellbeing_drop_as_log_does(kg, tmp_path) -> None:
    kg("add", "Sam Okafor", "--every", "monthly")
    kg("log", "sam", "--when", "10 days ago", "--wellbeing", "5")
    kg("log", "sam", "--when", "3 days ago", "--wellbeing", "2")
    logged = json.loads(kg("show", "sam", "--json").stdout)
    assert logged["wellbeing_drop"] == "5→2"
    data = json.loads(kg("export", "--format", "json").stdout)
    data["people"][0]["wellbeing_drop"] = None  # worked out from the history, not taken on trust
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    kg("forget", "sam", "--yes")
    kg("import", str(path), "--include-forgotten", "Sam Okafor")
    imported = json.loads(kg("show", "sam", "--json").stdout)
    for key in ("wellbeing_drop", "due_on", "last_contact", "last_contact_via"):
        assert imported[key] == logged[key], key


@pytest.mark.sqlite_only("copies between two files")
def test_copy_notices_a_wellbeing_drop_across_both_stores(kg, tmp_path) -> None:
    other = str(tmp_path / "team.db")
    kg("add", "Sam Okafor", "--every", "monthly", "--db", other)
    kg("log", "sam", "--when", "10 days ago", "--wellbeing", "5", "--db", other)
    kg("add", "Sam Okafor", "--every", "monthly")
    kg("log", "sam", "--when", "3 days ago", "--wellbeing", "2")
    kg("copy", "--to", other)
    copied = json.loads(kg("show", "sam", "--json", "--db", other).stdout)
    assert copied["wellbeing_drop"] == "5→2"
    assert copied["due_on"] == "2026-11-27"  # sooner after a fall: a third of the rhythm
    assert copied["last_contact"].startswith("2026-11-17")


def test_a_back_dated_log_leaves_a_snooze_and_a_correction_keeps_it(kg) -> None:
    kg("add", "Sam Okafor", "--every", "weekly")
    kg("log", "sam", "--when", "2 days ago")
    kg("snooze", "sam", "10d")
    kg("log", "sam", "--when", "5 days ago", "--note", "an older call")
    assert json.loads(kg("show", "sam", "--json").stdout)["due_on"] == "2026-11-30"
    kg("amend", "--note", "an older call, put right")
    assert json.loads(kg("show", "sam", "--json").stdout)["due_on"] == "2026-11-30"
    kg("log", "sam")
    assert json.loads(kg("show", "sam", "--json").stdout)["due_on"] == "2026-11-27"


# --- one meaning of active and due ---------------------------------------------------------


def test_withdrawn_consent_is_not_overdue_in_stats(kg) -> None:
    kg("add", "Sam Okafor", "--every", "weekly")
    kg("add", "Ann Lee", "--every", "weekly")
    kg("log", "sam", "ann", "--when", "10 days ago")
    kg("edit", "ann", "--consent", "withdrawn")
    due = json.loads(kg("due", "--json").stdout)
    assert [p["name"] for p in due["people"]] == ["Sam Okafor"]
    assert json.loads(kg("stats", "--json").stdout)["overdue_now"] == 1
    assert json.loads(kg("report", "--json").stdout)["rhythm"]["due_now"] == 1
    listed = kg("people").stdout
    assert "consent withdrawn" in listed.split("Ann Lee")[1].splitlines()[0]


def _calendar_due(ics: str, today: str) -> list[str]:
    """The people whose check-in the calendar puts today (a due person's is today)."""
    names = []
    for event in ics.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]:
        fields = dict(line.split(":", 1) for line in event.splitlines() if ":" in line)
        summary = fields.get("SUMMARY", "")
        if summary.startswith("Check in with ") and fields["DTSTART;VALUE=DATE"] == today.replace("-", ""):
            names.append(summary.removeprefix("Check in with ").split(" (")[0])
    return names


PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "every": st.sampled_from(["3d", "weekly", "fortnightly", "monthly"]),
            "last": st.one_of(st.none(), st.integers(0, 60)),
            "state": st.sampled_from(["active", "active", "paused", "archived", "withdrawn", "given"]),
        }
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=PEOPLE, later=st.integers(0, 40))
@pytest.mark.sqlite_only("a property over many fresh stores; the SQL is the same on both")
def test_due_stats_report_and_calendar_agree_on_who_is_due(kg, tmp_path, clock, people, later) -> None:
    import uuid

    from conftest import START

    clock.set(START)
    store = str(tmp_path / f"{uuid.uuid4().hex}.db")
    for number, person in enumerate(people):
        name = f"Person {chr(65 + number)}"
        kg("add", name, "--every", person["every"], "--db", store)
        if person["last"] is not None:
            kg("log", name, "--when", f"{person['last']} days ago", "--db", store)
        if person["state"] == "paused":
            kg("pause", name, "--until", "in 10 days", "--db", store)
        elif person["state"] == "archived":
            kg("archive", name, "--db", store)
        elif person["state"] in ("withdrawn", "given"):
            kg("edit", name, "--consent", person["state"], "--db", store)
    clock.set(START + timedelta(days=later))
    today = (START + timedelta(days=later)).date().isoformat()
    due = sorted(p["name"] for p in json.loads(kg("due", "--json", "--db", store).stdout)["people"])
    stats = json.loads(kg("stats", "--json", "--db", store).stdout)
    report = json.loads(kg("report", "--json", "--db", store).stdout)
    calendar = sorted(_calendar_due(kg("export", "--format", "ics", "--db", store).stdout, today))
    assert calendar == due
    assert stats["overdue_now"] == len(due)
    assert report["rhythm"]["due_now"] == len(due)


# --- the consent list on the morning screen ----------------------------------------------


def test_consent_to_check_again_shows_friendly_days_and_not_the_withdrawn(kg) -> None:
    kg("add", "Sam Okafor", "--every", "monthly")
    kg("add", "Ann Lee", "--every", "monthly")
    kg("edit", "sam", "--consent", "given", "--consent-review", "next monday")
    kg("edit", "ann", "--consent", "withdrawn", "--consent-review", "next monday")
    kg("log", "sam", "ann")
    shown = kg("due", "--within", "5d").stdout
    section = shown.split("Consent to check again")[1]
    assert "Sam Okafor" in section and "Mon 23 Nov 2026" in section, shown
    assert "2026-11-23" not in section
    assert "Ann Lee" not in section
    reviews = json.loads(kg("due", "--within", "5d", "--json").stdout)["consent_reviews"]
    assert [(r["name"], r["review_on"]) for r in reviews] == [("Sam Okafor", "2026-11-23")]


# --- one selection of people for every export format ------------------------------------


def test_every_export_format_includes_a_named_archived_person(kg) -> None:
    kg("add", "Paul Green", "--every", "monthly")
    kg("log", "paul", "--note", "last chat before he moved")
    kg("archive", "paul")
    pack = kg("export", "--person", "paul", "--format", "markdown").stdout
    assert "1 person;" in pack and "## Paul Green" in pack, pack
    assert "archived" in pack.split("## Summary")[1].split("##")[0]
    data = json.loads(kg("export", "--person", "paul", "--format", "json").stdout)
    assert [p["name"] for p in data["people"]] == ["Paul Green"]
    assert "Paul Green" in kg("export", "--person", "paul", "--format", "csv").stdout


def test_every_question_is_asked_by_one_module() -> None:
    """Prompts (Rich's, input(), the terminal check that decides whether to ask) live in cli/prompts.py."""
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "src" / "keepgoing"
    asking = sorted(
        path.relative_to(source).as_posix()
        for path in source.rglob("*.py")
        if any(
            word in path.read_text(encoding="utf-8") for word in ("rich.prompt", "input(", "stdin.isatty()")
        )
    )
    assert asking == ["cli/prompts.py"]
