"""Standard wellbeing measures (issue 24): ONS4 built in, and an organisation's own licensed measure.

No licensed wording or table ships: `calm3` here is made up, with a made-up
conversion table (raw total x 1.5) and bands. The report's figures are worked
out by hand beside their assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import table_counts
from test_team_access import roles, team  # noqa: F401  (the team store's fixtures)

ONS = "ONS personal well-being questions, Office for National Statistics"
OCTOBER = ("--since", "2026-10-01", "--until", "2026-10-31")

CALM3 = """
name = "calm3"
title = "Calm three (a made-up measure)"
licence = "Calm three, made up for keepgoing's tests: no licence needed."
scoring = "sum"
change = 3
bands = [{label = "Low", from = 0}, {label = "High", from = 12}]

[[items]]
key = "calm"
label = "Calm"
question = "How calm have you felt?"
min = 1
max = 5

[[items]]
key = "rested"
label = "Rested"
question = "How rested have you felt?"
min = 1
max = 5

[[items]]
key = "connected"
label = "Connected"
question = "How connected have you felt?"
min = 1
max = 5

[conversion]
""" + "\n".join(f'"{raw}" = {raw * 1.5}' for raw in range(3, 16))


def at(clock, day: str, hour: int = 10) -> None:
    year, month, date_ = map(int, day.split("-"))
    clock.set(datetime(year, month, date_, hour, tzinfo=UTC))


def calm3(tmp_path: Path, text: str = CALM3, name: str = "calm3.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def shown(kg, name: str) -> dict:
    return json.loads(kg("show", name, "--json").stdout)


def one_line_error(result, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


# --- ONS4 --------------------------------------------------------------------------


def test_ons4_is_logged_shown_with_its_change_and_attributed(kg, clock):
    at(clock, "2026-11-02")
    kg("add", "Sam Okafor")
    first = kg("log", "sam", "--ons4", "7,8,6,3", "--when", "2026-11-01")
    assert "Life satisfaction 7, Worthwhile 8, Happiness 6, Anxiety 3" in first.stdout
    assert ONS in first.stdout and "Open Government Licence" in first.stdout
    kg("log", "sam", "--ons4", " 9, 8 ,5,1", "--when", "2026-11-02")
    kg("log", "sam", "--note", "no measure this time")
    data = shown(kg, "sam")
    [ons] = data["measures"]
    assert ons["measure"] == "ons4"
    assert ons["scores"] == {"life_satisfaction": 9, "worthwhile": 8, "happiness": 5, "anxiety": 1}
    assert ons["previous"] == {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}
    assert ons["change"] == {"life_satisfaction": 2, "worthwhile": 0, "happiness": -1, "anxiety": -2}
    assert ons["when"].startswith("2026-11-02") and ons["previous_when"].startswith("2026-11-01")
    assert ONS in ons["licence"]
    card = kg("show", "sam").stdout
    assert "Life satisfaction 9 (+2)" in card and "Anxiety 1 (-2)" in card and "Happiness 5 (-1)" in card
    assert ONS in " ".join(card.split())
    # The 1-5 check-in stays, beside it.
    kg("log", "sam", "--wellbeing", "4", "--ons4", "5,5,5,5")
    assert shown(kg, "sam")["conversations"][0]["wellbeing"] == 4


def test_ons4_log_json_carries_the_answers(kg):
    kg("add", "Sam")
    data = json.loads(kg("log", "sam", "--ons4", "0,10,0,10", "--json").stdout)
    assert data["measures"] == {
        "ons4": {"anxiety": 10.0, "happiness": 0.0, "life_satisfaction": 0.0, "worthwhile": 10.0}
    }


BAD_ANSWERS = [
    (("sam", "--ons4", "11,8,6,3"), 1, ("ONS4 takes 4 answers", "0 to 10", "Life satisfaction was 11")),
    (("sam", "--ons4", "7,8,6,-1"), 1, ("Anxiety was -1",)),
    (("sam", "--ons4", "7,8,6"), 1, ("3 given",)),
    (("sam", "--ons4", "7,8,6,3,2"), 1, ("5 given",)),
    (("sam", "--ons4", "seven,8,6,3"), 1, ("separated by commas",)),
    (("sam", "--ons4", "7.5,8,6,3"), 1, ("separated by commas",)),
    (("sam", "--ons4", ""), 1, ("ONS4 takes 4 answers",)),
    (("sam", "--ons4", "[bold]1,2,3,4"), 1, ('not "[bold]1,2,3,4"',)),
    (("sam", "ann", "--ons4", "7,8,6,3"), 1, ("one person's answers", "several people")),
    (("sam", "--no-answer", "--ons4", "7,8,6,3"), 1, ("try with no answer",)),
    (("sam", "--measure", "nosuch", "1,2"), 1, ('No measure called "nosuch"', "ons4")),
    (("sam", "--ons4"), 2, ("--ons4 ask puts the questions at a terminal", "--ons4 0,0,0,0")),
    (("sam", "--ons4", "--note", "hi"), 2, ("--ons4 ask",)),
    (("sam", "--ons4", "ask"), 2, ("--ons4 ask",)),
    (("sam", "--measure", "ons4"), 2, ("requires 2 arguments",)),
]


def test_bad_answers_are_one_line_and_write_nothing(kg, db_path):
    kg("add", "Sam")
    kg("add", "Ann Lee")
    before = table_counts(db_path)
    for args, status, words in BAD_ANSWERS:
        one_line_error(kg("log", *args, expect=status), *words)
    assert table_counts(db_path) == before


def test_ons4_asks_the_four_questions_on_a_terminal(kg, monkeypatch):
    from keepgoing.cli import prompts

    kg("add", "Sam")
    monkeypatch.setattr(prompts, "interactive", lambda: True)
    # An answer out of range is asked again.
    result = kg("log", "sam", "--ons4", input="7\n8\n11\n6\n3\n")
    asked = result.stderr + result.stdout
    for question in (
        "Overall, how satisfied are you with your life nowadays?",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        "Overall, how happy did you feel yesterday?",
        "On a scale where 0 is not at all anxious and 10 is completely anxious, overall, how anxious "
        "did you feel yesterday?",
    ):
        assert question in asked
    assert ONS in result.stderr and "Open Government Licence" in result.stderr
    assert "A whole number from 0 to 10, please." in result.stderr
    assert shown(kg, "sam")["measures"][0]["scores"] == {
        "life_satisfaction": 7,
        "worthwhile": 8,
        "happiness": 6,
        "anxiety": 3,
    }


def test_amend_gives_and_corrects_ons4(kg, clock, db_path):
    at(clock, "2026-11-02")
    kg("add", "Sam")
    kg("add", "Ann Lee")
    kg("log", "sam", "--note", "a cuppa")
    amended = kg("amend", "--ons4", "7,8,6,3")
    assert "ONS4" in amended.stdout and "Anxiety 3" in amended.stdout
    kg("amend", "1", "--ons4", "7,8,6,2")
    assert shown(kg, "sam")["measures"][0]["scores"]["anxiety"] == 2
    assert shown(kg, "sam")["measures"][0]["previous"] is None
    assert "Nothing changed" in kg("amend", "1", "--ons4", "7,8,6,2").stdout
    before = table_counts(db_path)
    one_line_error(kg("amend", "1", "--ons4", "7,8,6", expect=1), "3 given")
    # A score is one person's: not for a conversation with two, and not added to one.
    one_line_error(kg("amend", "1", "--with", "ann", "--ons4", "1,2,3,4", expect=1), "several people")
    assert table_counts(db_path) == before
    kg("log", "sam", "ann", "--note", "together")
    one_line_error(kg("amend", "2", "--ons4", "1,2,3,4", expect=1), "conversation #2 is with several")
    # Whoever is taken out of a conversation takes their answers with them.
    kg("amend", "1", "--with", "ann")
    kg("amend", "1", "--without", "sam")
    assert shown(kg, "sam")["measures"] == []
    assert table_counts(db_path)["measure_score"] == 0


# --- an organisation's own measure --------------------------------------------------


def test_a_measure_is_added_listed_logged_and_removed(kg, tmp_path, db_path):
    added = kg("measure", "add", calm3(tmp_path))
    assert "Added the measure calm3" in added.stdout and "3 items" in added.stdout
    listed = json.loads(kg("measure", "list", "--json").stdout)
    assert [m["name"] for m in listed] == ["ons4", "calm3"]
    assert listed[0]["built_in"] and not listed[1]["built_in"]
    assert listed[1]["items"][0] == {"key": "calm", "label": "Calm", "min": 1, "max": 5}
    assert "calm3" in kg("measure", "list").stdout
    kg("add", "Sam")
    logged = kg("log", "sam", "--measure", "CALM3", "2,3,4")
    # 2 + 3 + 4 = 9 raw, converted by the table to 9 x 1.5 = 13.5
    assert "Calm 2, Rested 3, Connected 4, Total 13.5" in logged.stdout
    assert "made up for keepgoing's tests" in logged.stdout
    [calm] = shown(kg, "sam")["measures"]
    assert calm["scores"] == {"calm": 2, "rested": 3, "connected": 4, "total": 13.5}
    one_line_error(kg("log", "sam", "--measure", "calm3", "2,3,6", expect=1), "1 to 5", "Connected was 6")
    one_line_error(kg("log", "sam", "--measure", "calm3", "0,3,4", expect=1), "Calm was 0")
    both = kg("log", "sam", "--ons4", "1,2,3,4", "--measure", "calm3", "1,1,1")
    assert "Total 4.5" in both.stdout and "Anxiety 4" in both.stdout
    one_line_error(kg("measure", "add", calm3(tmp_path), expect=1), 'already a measure called "calm3"')
    one_line_error(kg("measure", "remove", "calm3", expect=1), "2 scores kept")
    one_line_error(kg("measure", "remove", "ons4", expect=1), "built in")
    one_line_error(kg("measure", "remove", "nosuch", expect=1), "No measure")
    kg("unlog", "2", "--yes")
    kg("unlog", "1", "--yes")
    assert "Removed the measure calm3" in kg("measure", "remove", "calm3").stdout
    assert [m["name"] for m in json.loads(kg("measure", "list", "--json").stdout)] == ["ons4"]
    assert table_counts(db_path)["measure"] == 0


def test_mean_scoring_and_markup_in_a_measure_are_shown_literally(kg, tmp_path):
    text = """
name = "mood2"
title = "[bold]Mood two[/bold]"
licence = "[red]Made up[/red], no licence."
scoring = "mean"
[[items]]
key = "a"
min = 0
max = 4
[[items]]
key = "b"
min = 0
max = 4
"""
    kg("measure", "add", calm3(tmp_path, text, "mood.toml"))
    kg("add", "Sam")
    logged = kg("log", "sam", "--measure", "mood2", "1,2")
    assert "[bold]Mood two[/bold] for Sam: a 1, b 2, Total 1.5" in logged.stdout
    assert "[red]Made up[/red], no licence." in logged.stdout
    assert "[bold]Mood two[/bold]" in kg("show", "sam").stdout


BAD_FILES = [
    ('name = "x\n', "not valid TOML"),
    (
        CALM3.replace('licence = "Calm three, made up for keepgoing\'s tests: no licence needed."', ""),
        '"licence" is missing',
    ),
    ('name = "x"\nlicence = "l"\nscoring = "sum"\n', '"items" is missing'),
    (CALM3.replace('scoring = "sum"', 'scoring = "median"'), '"scoring" must be'),
    (
        CALM3.replace(
            'min = 1\nmax = 5\n\n[[items]]\nkey = "rested"', 'min = 5\nmax = 1\n\n[[items]]\nkey = "rested"'
        ),
        '"min" must be below "max"',
    ),
    (CALM3.replace('key = "rested"', 'key = "calm"'), "used by an earlier item"),
    (CALM3.replace('key = "rested"', 'key = "total"'), 'not "total"'),
    (CALM3.replace('name = "calm3"', 'name = "ons4"'), "ons4 is built in"),
    (CALM3.replace('name = "calm3"', 'name = "two words"'), '"name" is one word'),
    (CALM3.replace('"15" = 22.5', ""), "missing 15"),
    (CALM3 + '\n"16" = 3.0', "no raw total 16"),
    (CALM3.replace('{label = "High", from = 12}', '{label = "High", from = -1}'), "bands must go up"),
    (CALM3.replace("change = 3", "chnage = 3"), 'unknown field "chnage"'),
    (
        CALM3.replace(
            'min = 1\nmax = 5\n\n[[items]]\nkey = "rested"', 'min = 1.5\nmax = 5\n\n[[items]]\nkey = "rested"'
        ),
        '"min" must be a whole number',
    ),
    (CALM3.replace('scoring = "sum"', 'scoring = "mean"'), 'goes with scoring = "sum"'),
    ("", '"name" is missing'),
]


def test_a_bad_measure_file_is_one_line_and_adds_nothing(kg, tmp_path, db_path):
    before = table_counts(db_path)
    for text, words in BAD_FILES:
        one_line_error(kg("measure", "add", calm3(tmp_path, text, "bad.toml"), expect=1), "bad.toml", words)
    assert table_counts(db_path) == before


def test_a_measure_file_that_is_not_there_or_not_text(kg, tmp_path):
    one_line_error(kg("measure", "add", str(tmp_path / "none.toml"), expect=1), "none.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00name")
    one_line_error(kg("measure", "add", str(binary), expect=1), "UTF-8")


# --- the report ---------------------------------------------------------------------


@pytest.fixture
def october(kg, clock, tmp_path):
    at(clock, "2026-09-01")
    for name in ("Ann Lee", "Bob Marsh", "Cy Twombly", "Dee Cee"):
        kg("add", name)
    kg("measure", "add", calm3(tmp_path))
    at(clock, "2026-11-05")

    def log(who: str, day: str, ons: str, calm: str | None = None) -> None:
        extra = ("--measure", "calm3", calm) if calm else ()
        kg("log", who, "--when", day, "--ons4", ons, *extra)

    log("ann", "2026-10-03", "4,5,6,7", "1,2,2")
    log("ann", "2026-10-10", "5,5,6,5")
    log("ann", "2026-10-20", "7,5,6,4", "3,4,4")
    log("bob", "2026-10-05", "8,8,8,2", "2,2,2")
    log("bob", "2026-10-25", "6,9,8,5", "2,2,1")
    log("cy", "2026-09-20", "0,0,0,10")  # before the period
    log("cy", "2026-10-07", "3,3,3,3")  # only one in it
    log("dee", "2026-10-08", "9,9,9,0")
    log("dee", "2026-11-02", "1,1,1,10")  # after it


def _parts(report: dict, measure: str) -> dict:
    [found] = [m for m in report["measures"] if m["measure"] == measure]
    return found


def test_report_measures_worked_out_by_hand(kg, october, tmp_path):
    report = json.loads(kg("report", *OCTOBER, "--json").stdout)
    ons = _parts(report, "ons4")
    # Scored in October: Ann, Bob, Cy and Dee; with two or more there: Ann and Bob only.
    assert ons["people_scored"] == 4
    parts = {p["key"]: p for p in ons["parts"]}
    assert list(parts) == ["life_satisfaction", "worthwhile", "happiness", "anxiety"]
    life = parts["life_satisfaction"]
    # Ann 4 -> 7 (+3, better), Bob 8 -> 6 (-2, worse): means (4+8)/2 = 6, (7+6)/2 = 6.5.
    assert (life["people"], life["mean_first"], life["mean_last"]) == (2, 6.0, 6.5)
    assert (life["better"], life["worse"]) == (1, 1)
    # First: 4 is low (0-4), 8 high (7-8); last: 7 high, 6 medium (5-6).
    bands = {b["label"]: (b["first"], b["last"]) for b in life["bands"]}
    assert bands == {"Low": (1, 0), "Medium": (0, 1), "High": (1, 1), "Very high": (0, 0)}
    worth = parts["worthwhile"]
    # Ann 5 -> 5, Bob 8 -> 9 (+1: under 2, so neither): (5+8)/2 = 6.5, (5+9)/2 = 7.
    assert (worth["mean_first"], worth["mean_last"], worth["better"], worth["worse"]) == (6.5, 7.0, 0, 0)
    assert {b["label"]: (b["first"], b["last"]) for b in worth["bands"]}["Very high"] == (0, 1)
    happy = parts["happiness"]
    assert (happy["mean_first"], happy["mean_last"], happy["better"], happy["worse"]) == (7.0, 7.0, 0, 0)
    anxiety = parts["anxiety"]
    # Lower is better: Ann 7 -> 4 (better by 3), Bob 2 -> 5 (worse by 3); means 4.5 and 4.5.
    assert anxiety["lower_is_better"]
    assert (anxiety["mean_first"], anxiety["mean_last"], anxiety["better"], anxiety["worse"]) == (
        4.5,
        4.5,
        1,
        1,
    )
    # First: 7 is high (6-10), 2 low (2-3); last: 4 and 5 are both medium (4-5).
    assert {b["label"]: (b["first"], b["last"]) for b in anxiety["bands"]} == {
        "Very low": (0, 0),
        "Low": (1, 0),
        "Medium": (0, 2),
        "High": (1, 0),
    }
    calm = _parts(report, "calm3")
    assert calm["people_scored"] == 2 and calm["change"] == 3
    cparts = {p["key"]: p for p in calm["parts"]}
    # Calm: Ann 1 -> 3 (+2, under calm3's change of 3), Bob 2 -> 2.
    assert (cparts["calm"]["mean_first"], cparts["calm"]["mean_last"], cparts["calm"]["better"]) == (
        1.5,
        2.5,
        0,
    )
    total = cparts["total"]
    # Totals, converted (raw x 1.5): Ann 5 -> 11 raw = 7.5 -> 16.5 (better by 9);
    # Bob 6 -> 5 raw = 9.0 -> 7.5 (-1.5: neither). Means (7.5+9)/2 = 8.25, (16.5+7.5)/2 = 12.
    assert (total["people"], total["mean_first"], total["mean_last"]) == (2, 8.25, 12.0)
    assert (total["better"], total["worse"]) == (1, 0)
    assert {b["label"]: (b["first"], b["last"]) for b in total["bands"]} == {"Low": (2, 1), "High": (0, 1)}
    # Anonymised: counts under 5 are "<5", and so are the means made of them.
    report = json.loads(kg("report", *OCTOBER, "--anonymise", "--json").stdout)
    life = _parts(report, "ons4")["parts"][0]
    assert life["people"] == "<5" and life["mean_first"] is None and life["better"] == "<5"
    _page_and_markdown(kg, tmp_path)


def _page_and_markdown(kg, tmp_path):
    kg("report", *OCTOBER, "--output", str(tmp_path / "r.md"))
    markdown = (tmp_path / "r.md").read_text()
    assert "| Question | People | Mean first | Mean last | Better by 2+ | Worse by 2+ |" in markdown
    assert "| Life satisfaction | 2 | 6.0 | 6.5 | 1 | 1 |" in markdown
    assert "| Anxiety (lower is better) | 2 | 4.5 | 4.5 | 1 | 1 |" in markdown
    assert "| Very high (9-10) | 0 | 1 |" in markdown  # worthwhile: Bob's last, 9
    assert "| High (6-10) | 1 | 0 |" in markdown  # anxiety: Ann's first, 7
    assert "Better by 3+" in markdown and "| Total | 2 | 8.2 | 12.0 | 1 | 0 |" in markdown
    assert "Office for National Statistics" in markdown
    kg("report", *OCTOBER, "--output", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text()
    assert page.count('<section id="measure-') == 2
    assert "Life satisfaction: first and last answers" in page  # the bands chart
    assert "<script" not in page
    assert "Very low (0-1)" in page and "Open Government Licence" in page


def test_a_workers_report_counts_only_what_they_logged(kg, clock, monkeypatch):
    at(clock, "2026-11-05")
    kg("add", "Ann Lee")
    monkeypatch.setenv("KEEPGOING_WORKER", "priya")
    kg("log", "ann", "--when", "2026-10-03", "--ons4", "1,1,1,1")
    kg("log", "ann", "--when", "2026-10-04", "--ons4", "5,5,5,5")
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    kg("log", "ann", "--when", "2026-10-05", "--ons4", "9,9,9,9")
    whole = _parts(json.loads(kg("report", *OCTOBER, "--json").stdout), "ons4")["parts"][0]
    assert (whole["mean_first"], whole["mean_last"]) == (1.0, 9.0)
    theirs = _parts(json.loads(kg("report", *OCTOBER, "--worker", "priya", "--json").stdout), "ons4")
    assert (theirs["parts"][0]["mean_first"], theirs["parts"][0]["mean_last"]) == (1.0, 5.0)


# --- export, import, forget, retention ---------------------------------------------------


def test_the_json_export_carries_measures_and_scores_and_imports_them(kg, october, tmp_path):
    out = tmp_path / "all.json"
    kg("export", "--output", str(out))
    data = json.loads(out.read_text())
    assert [m["name"] for m in data["measures"]] == ["calm3"]
    assert len(data["measure_scores"]) == 9 + 4
    ann_first = next(
        s for s in data["measure_scores"] if s["measure"] == "calm3" and s["person"] == "Ann Lee"
    )
    assert ann_first["answers"] == {"calm": 1, "rested": 2, "connected": 2} and ann_first["total"] == 7.5
    target = tmp_path / "other.db"
    kg("import", str(out), "--db", str(target))
    for name in ("ann", "bob", "dee"):
        assert (
            shown(kg, name)["measures"]
            == json.loads(kg("show", name, "--json", "--db", str(target)).stdout)["measures"]
        )
    again = tmp_path / "again.json"
    kg("export", "--output", str(again), "--db", str(target))
    copied = json.loads(again.read_text())
    assert copied["measures"] == data["measures"]
    strip = [{k: v for k, v in s.items() if k != "conversation_id"} for s in data["measure_scores"]]
    assert [{k: v for k, v in s.items() if k != "conversation_id"} for s in copied["measure_scores"]] == strip
    # Imported again, nothing doubles.
    kg("import", str(out), "--db", str(target))
    assert len(json.loads(kg("show", "ann", "--json", "--db", str(target)).stdout)["conversations"]) == 3


BAD_IMPORTS = [
    (lambda d: d["measure_scores"][0].update(answers={"calm": 1}), "answers must give each"),
    (lambda d: d["measure_scores"][0].update(measure="nosuch"), 'no measure called "nosuch"'),
    (lambda d: d["measure_scores"][0].update(conversation_id=999), "conversation id 999"),
    (lambda d: d["measure_scores"][0].update(total=1.0), "is not what"),
    (lambda d: d["measures"][0]["definition"].pop("licence"), '"licence" is missing'),
]


def test_a_bad_score_in_an_import_is_one_line_and_imports_nothing(kg, tmp_path):
    kg("measure", "add", calm3(tmp_path))
    kg("add", "Sam")
    kg("log", "sam", "--measure", "calm3", "1,2,3", "--ons4", "1,2,3,4")
    out = tmp_path / "e.json"
    kg("export", "--output", str(out))
    target = tmp_path / "t.db"
    for number, (change, words) in enumerate(BAD_IMPORTS):
        data = json.loads(out.read_text())
        data["measure_scores"].sort(key=lambda s: s["measure"])  # calm3 first
        change(data)
        bad = tmp_path / f"bad{number}.json"
        bad.write_text(json.dumps(data))
        one_line_error(kg("import", str(bad), "--db", str(target), expect=1), f"bad{number}.json", words)
        assert not target.exists() or table_counts(target).get("measure_score", 0) == 0


def test_forget_erases_their_scores_everywhere(kg, clock, db_path):
    kg("add", "Ann Lee")
    kg("add", "Bob Marsh")
    kg("log", "ann", "--ons4", "1,2,3,4")
    kg("log", "bob", "--ons4", "4,3,2,1")
    kg("amend", "1", "--with", "bob")  # Ann's score is in a conversation Bob was in too
    preview = kg("forget", "ann", "--dry-run").stdout
    assert "1 wellbeing measure score" in preview
    kg("forget", "ann", "--yes")
    assert table_counts(db_path)["measure_score"] == 4  # Bob's four answers only
    assert shown(kg, "bob")["measures"][0]["scores"]["life_satisfaction"] == 4


def test_merge_keeps_the_merged_persons_scores(kg, db_path):
    kg("add", "Sam Okafor")
    kg("add", "Samuel Okafor")
    kg("log", "Samuel Okafor", "--ons4", "1,2,3,4")
    kg("log", "Sam Okafor", "--ons4", "5,5,5,5")
    kg("merge", "Samuel Okafor", "INTO", "Sam Okafor", "--yes")
    [ons] = shown(kg, "Sam Okafor")["measures"]
    assert ons["previous"]["anxiety"] == 4 and ons["scores"]["anxiety"] == 5
    assert table_counts(db_path)["measure_score"] == 8


def test_retention_drops_scores_with_their_conversations(kg, clock, db_path):
    at(clock, "2024-01-10")
    kg("add", "Ann Lee")
    kg("log", "ann", "--ons4", "1,2,3,4")
    at(clock, "2026-11-01")
    kg("log", "ann", "--ons4", "5,5,5,5")
    kg("retention", "--older-than", "2y", "--mode", "anonymise", "--yes")
    assert table_counts(db_path)["measure_score"] == 4
    assert shown(kg, "ann")["measures"][0]["previous"] is None
    at(clock, "2029-01-01")
    kg("retention", "--older-than", "2y", "--yes")
    assert table_counts(db_path)["measure_score"] == 0


def test_ons4_alone_off_a_terminal_through_the_installed_command(tmp_path):
    env = {**os.environ, "KEEPGOING_DB": str(tmp_path / "s.db"), "KEEPGOING_CONFIG": str(tmp_path / "c.toml")}
    command = [sys.executable, "-m", "keepgoing"]
    result = subprocess.run(
        [*command, "log", "sam", "--ons4"], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --ons4 ask puts the questions at a terminal; here, give the answers: --ons4 0,0,0,0."
    ]
    result = subprocess.run(
        [*command, "log", "Sam", "--new", "--ons4", "7,8,6,3"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and "Anxiety 3" in result.stdout


@pytest.mark.postgresql_only("roles and row-level security are a server's")
def test_in_a_team_store_a_score_is_seen_where_its_conversation_is(kg, team, tmp_path):  # noqa: F811
    bob, alice = team.bob, team.alice
    team.be(alice)
    kg("log", "sam", "--ons4", "1,2,3,4", "--private")
    team.be(team.manager)
    kg("team", "share", "sam", "--with", bob)
    kg("measure", "add", calm3(tmp_path))  # a licence is the organisation's: managers add measures
    team.be(bob)
    assert shown(kg, "sam")["measures"] == []  # Alice's private conversation, and its answers, are hers
    assert team.sql(bob, "SELECT count(*) FROM measure_score") == [(0,)]
    kg("log", "ann", "--measure", "calm3", "1,2,3")
    assert shown(kg, "ann")["measures"][0]["scores"]["total"] == 9
    refused = kg("measure", "add", calm3(tmp_path, CALM3.replace('"calm3"', '"calm4"'), "c4.toml"), expect=1)
    one_line_error(refused, "permission denied")
    team.be(alice)
    assert shown(kg, "sam")["measures"][0]["scores"]["anxiety"] == 4
    assert team.sql(alice, "SELECT count(*) FROM measure_score") == [(4,)]
