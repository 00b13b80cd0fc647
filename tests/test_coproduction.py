"""Connect, ask and listen: consent, wellbeing, notes, ideas, groups, wins, spread, snooze, jot."""

from __future__ import annotations

import json

from conftest import table_counts


def j(result) -> object:
    return json.loads(result.stdout)


def test_consent_is_recorded_respected_and_reviewed(kg, clock, db_path) -> None:
    kg(
        "add",
        "Sam Okafor",
        "--every",
        "weekly",
        "--consent",
        "given",
        "--consent-channels",
        "text, phone",
        "--consent-note",
        "Text first, weekdays only",
        "--consent-review",
        "in 2 weeks",
    )
    sam = j(kg("show", "sam", "--json"))
    assert sam["consent"] == "given" and sam["consent_channels"] == ["text", "phone"]
    assert sam["consent_note"] == "Text first, weekdays only" and sam["consent_on"] == "2026-11-20"
    assert sam["consent_review_on"] == "2026-12-04"
    card = kg("show", "sam").stdout
    assert "Consent" in card and "Text first" in card
    kg("log", "sam", "--via", "text", "--follow-up", "send the leaflet", "--due", "today")
    clock.advance(days=15)
    due = j(kg("due", "--json"))
    assert [p["name"] for p in due["people"]] == ["Sam Okafor"]
    assert [r["name"] for r in due["consent_reviews"]] == ["Sam Okafor"]
    assert "Consent to check again" in kg("due").stdout
    kg("edit", "sam", "--consent", "withdrawn")
    due = j(kg("due", "--json"))
    assert due["people"] == []  # never listed as due once consent is withdrawn
    assert due["follow_ups"][0]["consent_withdrawn"] is True
    assert "consent withdrawn" in kg("due").stdout
    before = table_counts(db_path)
    assert 'given" or "withdrawn' in kg("edit", "sam", "--consent", "maybe", expect=1).stderr
    assert (
        "not a way of keeping in touch" in kg("edit", "sam", "--consent-channels", "pigeon", expect=1).stderr
    )
    assert table_counts(db_path) == before


def test_wellbeing_trend_and_a_sharp_drop_brings_them_sooner(kg, clock) -> None:
    kg("add", "Ann Lee", "--every", "monthly")
    kg("log", "ann", "--via", "phone", "--wellbeing", "4", "--feeling", "hopeful")
    clock.advance(days=3)
    out = kg("log", "ann", "--via", "phone", "--wellbeing", "2", "--feeling", "tired").stdout
    assert "wellbeing has dropped" in out
    ann = j(kg("show", "ann", "--json"))
    assert ann["wellbeing_trend"] == [4, 2] and ann["wellbeing_drop"] == "4→2"
    assert ann["conversations"][0]["feeling"] == "tired"
    assert "▇▃" in kg("show", "ann").stdout
    clock.advance(days=10)  # a third of a monthly rhythm
    due = j(kg("due", "--json"))
    assert [(p["name"], p["wellbeing_drop"]) for p in due["people"]] == [("Ann Lee", "4→2")]
    assert "call sooner" in kg("due").stdout
    kg("log", "ann", "--via", "cuppa", "--wellbeing", "3")
    assert j(kg("show", "ann", "--json"))["wellbeing_drop"] is None
    assert "a word or two" in kg("log", "ann", "--feeling", "x" * 41, expect=1).stderr


def test_lasting_notes(kg) -> None:
    kg("add", "Ann Lee")
    assert "Noted for Ann Lee" in kg("note", "ann", "Wants to lead the allotment tour").stdout
    kg("note", "ann", "Nervous about speaking in groups")
    notes = [n["text"] for n in j(kg("show", "ann", "--json"))["notes"]]
    assert notes == ["Nervous about speaking in groups", "Wants to lead the allotment tour"]
    assert "What matters to them" in kg("show", "ann").stdout
    assert "needs some words" in kg("note", "ann", "  ", expect=1).stderr


def test_ideas_are_heard_and_followed_up(kg) -> None:
    kg("add", "Ann Lee")
    out = kg(
        "log", "ann", "--via", "cuppa", "--idea", "A seed swap at the hub", "--idea", "Walk to the coast"
    ).stdout
    assert "Idea #1 from Ann Lee noted" in out and "Idea #2" in out
    ideas = j(kg("ideas", "--json"))
    assert [(i["text"], i["status"], i["person"]) for i in ideas] == [
        ("Walk to the coast", "open", "Ann Lee"),
        ("A seed swap at the hub", "open", "Ann Lee"),
    ]
    kg("idea", "1", "--status", "taken-up", "--note", "Running it in spring with the council")
    assert [i["id"] for i in j(kg("ideas", "--open", "--json"))] == [2]
    taken = next(i for i in j(kg("ideas", "--json")) if i["id"] == 1)
    assert taken["status"] == "taken-up" and taken["outcome"] == "Running it in spring with the council"
    assert "seed swap" in kg("ideas").stdout and "seed swap" in kg("show", "ann").stdout
    assert "Status is one of" in kg("idea", "1", "--status", "maybe", expect=1).stderr
    assert "no idea number 9" in kg("idea", "9", "--status", "parked", expect=1).stderr


def test_groups_sessions_attendance_and_who_stopped_coming(kg, clock) -> None:
    for name in ("Ann Lee", "Bob Marsh", "Cy Twombly"):
        kg("add", name)
    kg("group", "add", "Tuesday walking group", "--every", "weekly", "--member", "Ann", "--member", "Bob")
    kg("group", "join", "walking", "Cy")
    kg(
        "log",
        "--group",
        "walking",
        "--present",
        "Ann",
        "--present",
        "Bob",
        "--present",
        "Cy",
        "--via",
        "cuppa",
    )
    for _ in range(3):
        clock.advance(days=7)
        kg("log", "--group", "walking", "--present", "Ann", "--present", "Cy", "--via", "cuppa")
    detail = j(kg("group", "show", "walking", "--json"))
    assert detail["members"] == ["Ann Lee", "Bob Marsh", "Cy Twombly"]
    assert detail["attendance"] == {"Ann Lee": 4, "Bob Marsh": 1, "Cy Twombly": 4}
    assert detail["stopped_coming"] == ["Bob Marsh"]
    assert len(detail["sessions"]) == 4
    assert "Not seen lately: Bob Marsh" in kg("show", "walking").stdout  # show falls back to groups
    assert j(kg("show", "ann", "--json"))["conversations"][0]["group"] == "Tuesday walking group"
    assert [g["name"] for g in j(kg("group", "list", "--json"))] == ["Tuesday walking group"]
    kg("group", "leave", "walking", "Bob")
    assert j(kg("group", "show", "walking", "--json"))["members"] == ["Ann Lee", "Cy Twombly"]
    assert "--present goes with --group" in kg("log", "--present", "Ann", expect=2).stderr
    assert "No group called" in kg("log", "--group", "chess", "--present", "Ann", expect=1).stderr
    assert "already a group" in kg("group", "add", "tuesday walking group", expect=1).stderr


def test_small_wins(kg, clock) -> None:
    kg("add", "Ann Lee")
    kg("group", "add", "Walking group")
    out = kg("win", "Ann led the walk for the first time", "--with", "Ann", "--group", "walking").stdout
    assert "A win worth celebrating" in out
    kg("win", "Council agreed to fund the hub", "--when", "2026-10-01")
    wins = j(kg("wins", "--json"))
    assert [w["text"] for w in wins] == [
        "Ann led the walk for the first time",
        "Council agreed to fund the hub",
    ]
    assert wins[0]["people"] == ["Ann Lee"] and wins[0]["group"] == "Walking group"
    assert [w["text"] for w in j(kg("wins", "--since", "2026-11-01", "--json"))] == [
        "Ann led the walk for the first time"
    ]
    assert "2 small wins" in kg("wins").stdout
    assert j(kg("due", "--json"))["wins_this_month"] == 1
    assert "1 win this month" in kg("due").stdout


def test_spread_staggers_a_backlog_and_snooze_puts_one_off(kg, clock, db_path) -> None:
    for i in range(10):
        kg("add", f"Person {chr(65 + i)}", "--every", "weekly")
    clock.advance(days=20)
    assert len(j(kg("due", "--json"))["people"]) == 10
    before = table_counts(db_path)
    plan = j(kg("spread", "--over", "5d", "--dry-run", "--json"))
    assert len(plan) == 10 and len(j(kg("due", "--json"))["people"]) == 10
    assert table_counts(db_path) == before
    assert "about 2 a day" in kg("spread", "--over", "5d").stdout
    assert len(j(kg("due", "--json"))["people"]) == 2
    clock.advance(days=4)
    assert len(j(kg("due", "--json"))["people"]) == 10
    assert "Nobody is overdue" not in kg("spread", "--over", "1w", "--dry-run").stdout
    kg("snooze", "person a", "3d")
    assert "Person A" not in [p["name"] for p in j(kg("due", "--json"))["people"]]
    clock.advance(days=3)
    assert "Person A" in [p["name"] for p in j(kg("due", "--json"))["people"]]


def test_jot_understands_a_sentence(kg, clock) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Priya Shah", "--alias", "Pri")
    result = kg("jot", "cuppa with Sam and Pri at the hub yesterday, talked about the allotment", "--yes")
    assert "Logged a cuppa with Sam Okafor and Priya Shah, Thu 19 Nov 2026 (#1)." in result.stdout
    sam = j(kg("show", "sam", "--json"))
    (talk,) = sam["conversations"]
    assert talk["via"] == "cuppa" and talk["with"] == ["Priya Shah"] and "allotment" in talk["note"]
    kg("jot", "rang okafor last tuesday", "--yes")
    rang = next(c for c in j(kg("show", "sam", "--json"))["conversations"] if c["note"].startswith("rang"))
    assert rang["via"] == "phone" and rang["when"].startswith("2026-11-17")
    assert "--yes" in kg("jot", "cuppa with Sam", expect=2).stderr  # off a terminal: never guesses consent


def test_jot_asks_rather_than_guesses(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Sam Smith")
    before = table_counts(db_path)
    result = kg("jot", "phoned sam about the rota", "--yes", expect=1)
    assert "Sam Okafor" in result.stderr and "Sam Smith" in result.stderr
    assert "couldn't find anyone" in kg("jot", "lovely walk with the dog", "--yes", expect=1).stderr
    assert table_counts(db_path) == before


def test_everything_survives_export_and_import(kg, clock, tmp_path) -> None:
    kg("add", "Ann Lee", "--consent", "given", "--consent-review", "in 1 month")
    kg("add", "Bob Marsh")
    kg("group", "add", "Walking group", "--every", "weekly", "--member", "Ann", "--member", "Bob")
    kg(
        "log",
        "--group",
        "walking",
        "--present",
        "Ann",
        "--present",
        "Bob",
        "--wellbeing",
        "ann=4",
        "--wellbeing",
        "bob=2",
        "--feeling",
        "bright",
        "--idea",
        "Picnic in June",
    )
    kg("note", "bob", "Loves maps")
    kg("win", "First full turnout", "--with", "Ann", "--with", "Bob", "--group", "walking")
    first = j(kg("export"))
    first.pop("exported_at")
    path = tmp_path / "all.json"
    path.write_text(json.dumps(first))
    other = str(tmp_path / "other.db")
    kg("import", str(path), "--db", other)
    again = j(kg("export", "--db", other))
    again.pop("exported_at")
    assert again == first
    assert j(kg("group", "show", "walking", "--db", other, "--json"))["attendance"] == {
        "Ann Lee": 1,
        "Bob Marsh": 1,
    }


def test_forget_reaches_notes_ideas_groups_and_wins(kg, db_path) -> None:
    from test_safety import raw_bytes

    kg("add", "Quentin Quaxley")
    kg("add", "Ann Lee")
    kg("group", "add", "Walking group", "--member", "Quentin", "--member", "Ann")
    kg("note", "quentin", "Marker-Xylophone-42 matters to him")
    kg("log", "quentin", "--via", "phone", "--idea", "Marker-Xylophone-42 idea")
    kg("win", "Quentin Quaxley led the walk", "--with", "Quentin", "--with", "Ann")
    kg("forget", "quentin", "--yes")
    data = raw_bytes(db_path)
    assert b"Marker-Xylophone-42" not in data and b"Quaxley" not in data and b"Quentin" not in data
    assert j(kg("group", "show", "walking", "--json"))["members"] == ["Ann Lee"]
    assert [w["text"] for w in j(kg("wins", "--json"))] == ["[someone] led the walk"]
    assert j(kg("ideas", "--json")) == []


def test_jot_asks_which_person_when_a_chooser_is_given(tmp_path) -> None:
    from datetime import date

    from conftest import START
    from keepgoing.core.jot_parser import understand
    from keepgoing.core.people import add_person
    from keepgoing.storage import open_store

    store = open_store(str(tmp_path / "s.db"))
    add_person(store, "Sam Okafor", now=START)
    add_person(store, "Sam Smith", now=START)
    asked = []

    def choose(word: str, names: list[str]) -> str:
        asked.append((word, names))
        return "Sam Smith"

    heard = understand(store, "called sam on monday", today=date(2026, 11, 20), dayfirst=True, choose=choose)
    assert asked == [("sam", ["Sam Okafor", "Sam Smith"])]
    assert heard.names == ["Sam Smith"] and heard.via == "phone" and heard.when.day == date(2026, 11, 16)
