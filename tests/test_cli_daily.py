"""The daily loop through the real CLI on a real database file."""

from __future__ import annotations

import json

from conftest import table_counts


def as_json(result) -> object:
    return json.loads(result.stdout)


def test_the_daily_loop(kg, clock) -> None:
    out = kg("add", "Sam Okafor", "--every", "2w", "--prefers", "phone", "--tag", "partner").stdout
    assert "Added Sam Okafor" in out and "fortnightly" in out and "Fri 4 Dec 2026" in out
    out = kg(
        "log",
        "sam",
        "--via",
        "phone",
        "--note",
        "Talked about the allotment",
        "--follow-up",
        "send the minutes",
        "--due",
        "today",
    ).stdout
    assert "Logged a phone call with Sam Okafor, Fri 20 Nov 2026 (#1)." in out
    assert "Follow-up #1 for Sam Okafor, due Fri 20 Nov 2026: send the minutes" in out

    clock.advance(days=1)
    out = kg("due").stdout
    assert "Nobody is due a check-in" in out and "Sam Okafor" in out
    assert "Follow-ups due" in out and "overdue: Fri 20 Nov 2026" in out and "send the minutes" in out

    clock.advance(days=14)
    out = kg("due").stdout
    assert "Time for a check-in" in out and "Sam Okafor" in out
    assert "15 days ago · phone" in out and "fortnightly" in out and "07700" not in out
    assert "1 day over" in out


def test_due_json_shape(kg, clock) -> None:
    kg("add", "Sam Okafor", "--every", "weekly", "--prefers", "phone", "--phone", "07700 900123")
    kg("add", "Never Called", "--every", "10d")
    kg("log", "sam", "--via", "cuppa", "--follow-up", "ring the council", "--due", "in 3 days")
    clock.advance(days=12)
    data = as_json(kg("due", "--json"))
    assert set(data) >= {"people", "follow_ups"}
    sam, never = data["people"]
    assert sam["name"] == "Sam Okafor"
    assert sam["last_contact"].startswith("2026-11-20T10:00:00")
    assert sam["days_since_contact"] == 12
    assert sam["cadence_days"] == 7
    assert sam["days_overdue"] == 5
    assert never["name"] == "Never Called"
    assert never["last_contact"] is None and never["days_since_contact"] is None
    assert never["days_overdue"] == 2
    (follow_up,) = data["follow_ups"]
    assert follow_up["id"] == 1 and follow_up["person"] == "Sam Okafor"
    assert follow_up["text"] == "ring the council" and follow_up["due"] == "2026-11-23"
    assert follow_up["overdue"] is True


def test_most_overdue_relative_to_rhythm_comes_first(kg, clock) -> None:
    kg("add", "Monthly Mo", "--every", "monthly")
    kg("add", "Weekly Wes", "--every", "weekly")
    kg("add", "Fresh Fran", "--every", "weekly")
    kg("log", "mo", "wes", "--via", "phone", "--when", "40 days ago")
    clock.advance(days=3)
    names = [p["name"] for p in as_json(kg("due", "--json"))["people"]]
    # Both last seen 43 days ago: Wes is 36 days over a 7-day rhythm, Mo 13 over 30.
    assert names == ["Weekly Wes", "Monthly Mo"]
    assert "Fresh Fran" not in names


def test_log_with_several_people_counts_for_each(kg, clock) -> None:
    for name in ("Ann Lee", "Bob Marsh", "Cy Twombly"):
        kg("add", name, "--every", "weekly")
    clock.advance(days=5)
    out = kg("log", "Ann", "Bob", "--via", "cuppa", "--when", "yesterday").stdout
    assert "Logged a cuppa with Ann Lee and Bob Marsh, Tue 24 Nov 2026 (#" in out
    clock.advance(days=3)
    names = [p["name"] for p in as_json(kg("due", "--json"))["people"]]
    assert names == ["Cy Twombly"]
    ann = as_json(kg("show", "ann", "--json"))
    (conversation,) = ann["conversations"]
    assert conversation["with"] == ["Bob Marsh"] and conversation["via"] == "cuppa"


def test_due_within_shows_who_falls_due_soon(kg, clock) -> None:
    kg("add", "Sam Okafor", "--every", "weekly")
    kg("log", "sam", "--via", "phone", "--follow-up", "book the room", "--due", "in 5 days")
    clock.advance(days=5)
    assert as_json(kg("due", "--json"))["people"] == []
    data = as_json(kg("due", "--within", "3d", "--json"))
    assert [p["name"] for p in data["people"]] == ["Sam Okafor"]
    assert data["people"][0]["days_overdue"] == -2
    assert [f["text"] for f in data["follow_ups"]] == ["book the room"]
    assert "in 2 days" in kg("due", "--within", "3d").stdout


def test_due_by_tag(kg, clock) -> None:
    kg("add", "Pat Partner", "--every", "weekly", "--tag", "partner")
    kg("add", "Mel Member", "--every", "weekly", "--tag", "member")
    kg("log", "pat", "--via", "email", "--follow-up", "send report", "--due", "today")
    kg("log", "mel", "--via", "email", "--follow-up", "call back", "--due", "today")
    clock.advance(days=8)
    data = as_json(kg("due", "--tag", "Partner", "--json"))
    assert [p["name"] for p in data["people"]] == ["Pat Partner"]
    assert [f["text"] for f in data["follow_ups"]] == ["send report"]


def test_empty_store_greets_a_newcomer(kg) -> None:
    out = kg("due").stdout
    assert "Welcome to keepgoing" in out and "keepgoing add" in out and "keepgoing log" in out
    assert "Welcome to keepgoing" in kg("people").stdout
    empty = as_json(kg("due", "--json"))
    assert empty["people"] == [] and empty["follow_ups"] == [] and empty["date"] == "2026-11-20"
    assert as_json(kg("people", "--json")) == []


def test_people_and_show(kg, clock) -> None:
    kg(
        "add",
        "Priya Shah",
        "--org",
        "Food bank",
        "--role",
        "Coordinator",
        "--tag",
        "partner",
        "--tag",
        "food",
        "--every",
        "fortnightly",
        "--prefers",
        "email",
        "--email",
        "priya@example.org",
        "--phone",
        "+44 7700 900456",
        "--alias",
        "Pri",
        "--note",
        "Loves Tuesdays",
    )
    kg("add", "Ann Lee")
    kg(
        "log",
        "pri",
        "ann",
        "--via",
        "video",
        "--note",
        "first chat",
        "--wellbeing",
        "4",
        "--when",
        "2 days ago",
    )
    kg("log", "pri", "--via", "email", "--note", "second chat", "--follow-up", "share the flyer")
    people = as_json(kg("people", "--json"))
    assert [p["name"] for p in people] == ["Ann Lee", "Priya Shah"]
    priya = people[1]
    assert priya["aliases"] == ["Pri"] and priya["tags"] == ["food", "partner"]
    assert priya["cadence_days"] == 14 and priya["organisation"] == "Food bank"
    assert [p["name"] for p in as_json(kg("people", "--tag", "food", "--json"))] == ["Priya Shah"]

    shown = as_json(kg("show", "Pri", "--json"))
    assert shown["name"] == "Priya Shah" and shown["email"] == "priya@example.org"
    notes = [c["note"] for c in shown["conversations"]]
    assert notes == ["second chat", "first chat"]  # newest first
    first = shown["conversations"][1]
    assert first["with"] == ["Ann Lee"] and first["wellbeing"] == 4 and first["via"] == "video"
    assert set(first) >= {"id", "when", "via", "note", "with", "wellbeing"}
    assert [f["text"] for f in shown["follow_ups"]] == ["share the flyer"]

    card = kg("show", "priya").stdout
    for expected in (
        "Priya Shah",
        "Food bank",
        "priya@example.org",
        "fortnightly",
        "second chat",
        "first chat",
        "share the flyer",
        "Loves Tuesdays",
    ):
        assert expected in card
    assert card.index("second chat") < card.index("first chat")
    listing = kg("people").stdout
    assert "Priya Shah" in listing and "Ann Lee" in listing


def test_edit(kg, clock) -> None:
    kg("add", "Sam Okafor", "--org", "Hub", "--tag", "old")
    out = kg("edit", "sam", "--every", "weekly", "--tag", "new", "--untag", "old", "--org", "").stdout
    assert "Updated Sam Okafor" in out and "rhythm" in out and "Fri 27 Nov 2026" in out
    sam = as_json(kg("show", "sam", "--json"))
    assert sam["cadence_days"] == 7 and sam["tags"] == ["new"] and sam["organisation"] is None
    kg("edit", "sam", "--name", "Samuel Okafor", "--alias", "Sammy")
    assert as_json(kg("show", "sammy", "--json"))["name"] == "Samuel Okafor"
    kg("edit", "sammy", "--unalias", "Sammy")
    assert as_json(kg("show", "samuel", "--json"))["aliases"] == []
    result = kg("edit", "sam", expect=1)
    assert "Nothing to change" in result.stderr


def test_pause_resume_archive(kg, clock) -> None:
    kg("add", "Sam Okafor", "--every", "weekly")
    clock.advance(days=10)
    assert [p["name"] for p in as_json(kg("due", "--json"))["people"]] == ["Sam Okafor"]
    out = kg("pause", "sam", "--until", "in 2 weeks").stdout
    assert "Paused Sam Okafor until Mon 14 Dec 2026" in out
    assert as_json(kg("due", "--json"))["people"] == []
    assert as_json(kg("show", "sam", "--json"))["status"] == "paused"
    clock.advance(days=14)
    assert [p["name"] for p in as_json(kg("due", "--json"))["people"]] == ["Sam Okafor"]
    kg("pause", "sam", "--until", "next monday")
    assert "back in the rhythm" in kg("resume", "sam").stdout
    assert as_json(kg("due", "--json"))["people"] != []
    assert "Archived Sam Okafor" in kg("archive", "sam").stdout
    assert as_json(kg("due", "--json"))["people"] == []
    assert as_json(kg("people", "--json")) == []
    assert [p["status"] for p in as_json(kg("people", "--all", "--json"))] == ["archived"]
    kg("resume", "sam")
    assert as_json(kg("show", "sam", "--json"))["status"] == "active"


def test_followups_and_done(kg, clock) -> None:
    kg("add", "Sam Okafor")
    kg("log", "sam", "--via", "phone", "--follow-up", "later thing", "--due", "in 2 weeks")
    kg("log", "sam", "--via", "phone", "--follow-up", "sooner thing", "--due", "tomorrow")
    kg("log", "sam", "--via", "phone", "--follow-up", "whenever thing")
    listed = as_json(kg("followups", "--json"))
    assert [f["text"] for f in listed] == ["sooner thing", "later thing", "whenever thing"]
    assert "sooner thing" in kg("followups").stdout
    out = kg("done", "2").stdout
    assert "Done: #2 sooner thing (for Sam Okafor)" in out
    assert [f["text"] for f in as_json(kg("followups", "--json"))] == ["later thing", "whenever thing"]
    assert "already done" in kg("done", "2", expect=1).stderr
    assert "no follow-up number 99" in kg("done", "99", expect=1).stderr
    shown = as_json(kg("show", "sam", "--json"))
    assert [f["done"] for f in shown["follow_ups"]] == [False, False, True]


def test_log_new_creates_the_person(kg, clock) -> None:
    kg("add", "Sam Okafor")
    out = kg("log", "Sam", "Jo Bloggs", "--new", "--via", "text").stdout
    # "Sam" clearly means Sam Okafor, so --new adds only Jo (issue 12).
    assert "Sam is Sam Okafor, already known" in out
    assert "New here: Jo Bloggs (" in out
    names = [p["name"] for p in as_json(kg("people", "--json"))]
    assert names == ["Jo Bloggs", "Sam Okafor"]
    kg("log", "Jo Bloggs", "--new", "--via", "text")  # exact name: reuses
    assert len(as_json(kg("people", "--json"))) == 2


def test_log_defaults_to_how_they_prefer(kg) -> None:
    kg("add", "Sam Okafor", "--prefers", "video")
    assert "Logged a video call with Sam Okafor" in kg("log", "sam").stdout


def test_an_older_conversation_logged_late_does_not_reset_the_rhythm(kg, clock) -> None:
    kg("add", "Sam Okafor", "--every", "weekly")
    kg("log", "sam", "--via", "phone")
    kg("log", "sam", "--via", "email", "--when", "2026-11-01")
    sam = as_json(kg("show", "sam", "--json"))
    assert sam["last_contact_via"] == "phone" and sam["due_on"] == "2026-11-27"


def test_global_db_option_and_env(kg, tmp_path, clock) -> None:
    other = tmp_path / "elsewhere.db"
    kg("--db", str(other), "add", "Elsewhere Ed")
    kg("add", "Local Lou", "--db", str(other))
    assert table_counts(other)["person"] == 2
    assert as_json(kg("people", "--json")) == []


def test_log_and_add_json(kg) -> None:
    person = as_json(kg("add", "Sam Okafor", "--json"))
    assert person["name"] == "Sam Okafor" and person["cadence_days"] == 30
    logged = as_json(kg("log", "sam", "--via", "phone", "--note", "hi", "--json"))
    assert logged["conversation"]["note"] == "hi" and logged["conversation"]["with"] == ["Sam Okafor"]


def test_long_lists_are_cut_in_the_table_but_complete_in_json(kg, clock) -> None:
    for i in range(7):
        kg("add", f"Person {chr(65 + i)}", "--every", "weekly")
        kg("log", f"person {chr(65 + i)}", "--via", "phone", "--follow-up", f"task {i}", "--due", "today")
    clock.advance(days=8 + 0)
    out = kg("due", "--limit", "3").stdout
    assert "…and 4 more: keepgoing due --all" in out and "7 people due" in out
    assert "…and 4 more follow-ups: keepgoing followups" in out
    everyone = kg("due", "--all").stdout
    assert "more" not in everyone and all(f"Person {chr(65 + i)}" in everyone for i in range(7))
    data = as_json(kg("due", "--json", "--limit", "3"))
    assert len(data["people"]) == 7 and len(data["follow_ups"]) == 7
