"""Group sessions (issue 22, "Groups"): a wellbeing score for each person, ideas credited to
the group, visitors counted in attendance; and a try that reached them after all.

Through the real CLI on a real store (SQLite and PostgreSQL).
"""

from __future__ import annotations

import json

import pytest

from conftest import fingerprint, stored


def _json(result) -> object:
    return json.loads(result.stdout)


@pytest.fixture
def walking(kg):
    for name in ("Sam Okafor", "Ann Lee", "Dee Nash"):
        kg("add", name, "--every", "weekly")
    kg("group", "add", "Tuesday walking group", "--member", "sam", "--member", "ann")
    return kg


def test_each_person_has_their_own_score_and_only_that_enters_their_trend(walking, clock) -> None:
    kg = walking
    kg("log", "sam", "--wellbeing", "4", "--when", "7 days ago")
    kg("log", "ann", "--wellbeing", "4", "--when", "7 days ago")
    result = kg(
        "log",
        "--group",
        "walking",
        "--present",
        "sam",
        "--present",
        "ann",
        "--wellbeing",
        "sam=4",
        "--wellbeing",
        "Ann=1",
    )
    out = " ".join(result.stdout.split())
    assert "session of Tuesday walking group" in out and "with 2 there" in out
    assert "Wellbeing: Sam Okafor 4, Ann Lee 1." in out
    assert "Ann Lee 4→1" in out  # only Ann dropped
    sam, ann = _json(kg("show", "sam", "--json")), _json(kg("show", "ann", "--json"))
    assert sam["conversations"][0]["wellbeing"] == 4
    assert ann["conversations"][0]["wellbeing"] == 1
    assert ann["wellbeing_drop"] and not sam["wellbeing_drop"]
    session = _json(kg("group", "show", "walking", "--json"))["sessions"][0]
    assert session["scores"] == {"Ann Lee": 1, "Sam Okafor": 4}
    # Someone who gave no score has none.
    kg("log", "--group", "walking", "--present", "sam", "--present", "ann", "--wellbeing", "sam=3")
    assert _json(kg("show", "ann", "--json"))["conversations"][0]["wellbeing"] is None


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("--wellbeing", "4"), 2, "each person's own wellbeing"),
        (("--wellbeing", "sam=9"), 2, "1 (low) to 5"),
        (("--wellbeing", "sam=lots"), 2, "1 (low) to 5"),
        (("--wellbeing", "dee=3"), 1, "Dee Nash is not in this conversation"),
        (("--wellbeing", "zed=3"), 1, 'No one called "zed"'),
        (("--wellbeing", "=3"), 1, "cannot be empty"),
        (("--wellbeing", "sam=3", "--wellbeing", "sam okafor=4"), 1, "two wellbeing scores"),
        (("--idea", "x", "--idea-from", "dee"), 1, "Dee Nash is not in this conversation"),
        (("--idea-from", "sam"), 2, "give the idea too"),
    ],
)
def test_bad_session_scores_are_refused_and_nothing_is_written(walking, db_path, args, code, says) -> None:
    before = fingerprint(db_path)
    result = walking("log", "--group", "walking", "--present", "sam", "--present", "ann", *args, expect=code)
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert fingerprint(db_path) == before


def test_several_people_outside_a_group_can_each_have_a_score_too(walking) -> None:
    walking("log", "sam", "ann", "--wellbeing", "sam=5", "--wellbeing", "ann=2")
    assert _json(walking("show", "ann", "--json"))["conversations"][0]["wellbeing"] == 2
    assert _json(walking("show", "sam", "--json"))["conversations"][0]["wellbeing"] == 5
    assert (
        "one --wellbeing for everyone"
        in walking("log", "sam", "--wellbeing", "3", "--wellbeing", "4", expect=2).stderr
    )
    assert (
        "not both"
        in walking("log", "sam", "ann", "--wellbeing", "3", "--wellbeing", "ann=4", expect=1).stderr
    )


def test_an_idea_from_a_session_is_the_groups_unless_someone_is_named(walking, db_path) -> None:
    kg = walking
    said = kg("log", "--group", "walking", "--present", "sam", "--present", "ann", "--idea", "A longer route")
    assert "Idea #1 from Tuesday walking group noted" in said.stdout
    said = kg(
        "log",
        "--group",
        "walking",
        "--present",
        "sam",
        "--present",
        "ann",
        "--idea",
        "A picnic",
        "--idea-from",
        "ann",
    )
    assert "Idea #2 from Ann Lee noted" in said.stdout
    ideas = {i["id"]: i for i in _json(kg("ideas", "--json"))}
    assert (ideas[1]["person"], ideas[1]["group"]) == (None, "Tuesday walking group")
    assert (ideas[2]["person"], ideas[2]["group"]) == ("Ann Lee", None)
    assert "Tuesday walking group" in kg("ideas").stdout
    assert stored(db_path, "SELECT id, person_id IS NULL, group_id IS NULL FROM idea ORDER BY id") == [
        (1, True, False),
        (2, False, True),
    ]
    # Sam is the first named, but the group's idea is not his.
    assert "A longer route" not in json.dumps(_json(kg("show", "sam", "--json")))
    assert "Idea #1 from Tuesday walking group" in kg("idea", "1", "--status", "taken-up").stdout
    # An idea added to the session later is the group's too; outside a group, the first person's.
    kg("amend", "2", "--idea", "Maps for everyone")
    assert _json(kg("ideas", "--json"))[0]["group"] == "Tuesday walking group"
    kg("log", "sam", "ann", "--idea", "Bus pass help", "--idea-from", "ann")
    assert _json(kg("ideas", "--json"))[0]["person"] == "Ann Lee"


def test_visitors_are_present_and_counted_in_attendance(walking) -> None:
    kg = walking
    said = kg("log", "--group", "walking", "--present", "sam", "--visitor", "dee", "--wellbeing", "dee=3")
    out = " ".join(said.stdout.split())
    assert "with 2 there: Sam Okafor and Dee Nash" in out and "Visiting (not members): Dee Nash." in out
    kg("log", "--group", "walking", "--present", "sam", "--present", "ann")
    detail = _json(kg("group", "show", "walking", "--json"))
    assert detail["members"] == ["Ann Lee", "Sam Okafor"]
    assert detail["attendance"] == {"Ann Lee": 1, "Sam Okafor": 2, "Dee Nash": 1}
    assert detail["visitors"] == ["Dee Nash"]
    assert detail["sessions"][1]["visitors"] == ["Dee Nash"]
    assert "Dee Nash (visitor)" in kg("group", "show", "walking").stdout
    # A visit is a contact like any other.
    assert _json(kg("show", "dee", "--json"))["conversations"][0]["group"] == "Tuesday walking group"
    assert "--visitor goes with --group" in kg("log", "sam", "--visitor", "dee", expect=2).stderr
    # Only visitors came: that is a session too.
    assert "with 1 there: Dee Nash" in kg("log", "--group", "walking", "--visitor", "dee").stdout


def test_session_scores_and_group_ideas_survive_export_and_import(walking, tmp_path, clock) -> None:
    kg = walking
    kg(
        "log",
        "--group",
        "walking",
        "--present",
        "sam",
        "--visitor",
        "dee",
        "--wellbeing",
        "sam=2",
        "--wellbeing",
        "dee=5",
        "--idea",
        "Hats",
    )
    path = tmp_path / "all.json"
    kg("export", "--output", str(path))
    document = json.loads(path.read_text())
    [session] = document["conversations"]
    assert session["wellbeing"] is None
    assert sorted((s["person"], s["wellbeing"]) for s in session["scores"]) == [
        ("Dee Nash", 5),
        ("Sam Okafor", 2),
    ]
    assert document["ideas"][0]["group_id"] == document["groups"][0]["id"]
    rows = kg("export", "--format", "csv").stdout.splitlines()[1:]
    assert sorted((row.split(",")[2], row.split(",")[6]) for row in rows) == [
        ("Dee Nash", "5"),
        ("Sam Okafor", "2"),
    ]
    # Into a new store, the scores and the group's idea are as they were.
    fresh = str(tmp_path / "fresh.db")
    kg("import", str(path), "--db", fresh)
    assert _json(kg("show", "dee", "--json", "--db", fresh))["conversations"][0]["wellbeing"] == 5
    assert _json(kg("show", "sam", "--json", "--db", fresh))["conversations"][0]["wellbeing"] == 2
    [idea] = _json(kg("ideas", "--json", "--db", fresh))
    assert (idea["person"], idea["group"]) == (None, "Tuesday walking group")
    # A score for someone who was not there is refused, naming where.
    session["scores"][0]["person_id"] = document["people"][0]["id"]
    session["person_ids"] = [p for p in session["person_ids"] if p != document["people"][0]["id"]]
    session["people"] = []
    path.write_text(json.dumps(document))
    refused = kg("import", str(path), "--db", str(tmp_path / "other.db"), expect=1).stderr
    assert "conversation 1" in refused and "not there" in refused


def test_a_try_that_did_reach_them_becomes_a_conversation(walking, clock) -> None:
    kg = walking
    kg("log", "dee", "--via", "cuppa", "--when", "10 days ago")
    kg("log", "dee", "--no-answer", "--via", "phone", "--note", "Rang")
    before = _json(kg("show", "dee", "--json"))
    assert before["days_since_contact"] == 10
    assert "no answer holds no" in kg("amend", "2", "--wellbeing", "3", expect=1).stderr
    said = kg("amend", "2", "--reached", "--wellbeing", "3")
    assert "reached" in said.stdout
    after = _json(kg("show", "dee", "--json"))
    assert after["conversations"][0]["reached"] is True and after["conversations"][0]["wellbeing"] == 3
    assert after["days_since_contact"] == 0 and after["last_contact_via"] == "phone"
    assert "Nothing changed" in kg("amend", "2", "--answered").stdout


def test_jot_can_record_a_try(walking) -> None:
    kg = walking
    kg("log", "ann", "--via", "cuppa", "--when", "3 days ago")
    said = kg("jot", "rang Ann this morning, no answer", "--yes")
    assert "no answer" in said.stdout and "as they were" in said.stdout
    kg("jot", "phoned Ann", "--no-answer", "--yes")
    person = _json(kg("show", "ann", "--json"))
    assert [c["reached"] for c in person["conversations"]] == [False, False, True]
    assert person["days_since_contact"] == 3
    kg("jot", "phoned Ann", "--yes")
    assert _json(kg("show", "ann", "--json"))["days_since_contact"] == 0
