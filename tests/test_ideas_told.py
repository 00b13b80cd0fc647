"""You said, we did (issue 24): telling people what became of their idea, on both stores.

The store: Ann, Bob and Cy, added on 1 September 2026. Ann raises #1 in
September; in October Ann raises #2 and #3, Bob #4 and Cy #5. It is now
2 November. Each figure's reasoning is beside its assertion.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

OCTOBER = ("--since", "2026-10-01", "--until", "2026-10-31")


def at(clock, day: str, hour: int = 10) -> None:
    year, month, date_ = map(int, day.split("-"))
    clock.set(datetime(year, month, date_, hour, tzinfo=UTC))


@pytest.fixture
def heard(kg, clock, monkeypatch):
    monkeypatch.setenv("KEEPGOING_WORKER", "Priya")
    at(clock, "2026-09-01")
    for name in ("Ann Lee", "Bob Marsh", "Cy Twombly"):
        kg("add", name, "--every", "weekly")
    at(clock, "2026-09-20")
    kg("idea", "add", "ann", "A September idea")  # 1
    at(clock, "2026-10-05")
    kg("log", "ann", "--via", "phone", "--idea", "A seed swap with Bob Marsh")  # 2
    kg("idea", "add", "ann", "Evening sessions")  # 3
    at(clock, "2026-10-12")
    kg("idea", "add", "bob", "A [bold]quiz[/bold] night")  # 4
    kg("idea", "add", "cy", "Minibus to the hub")  # 5
    at(clock, "2026-11-02")
    return kg


def ideas(kg, *args: str) -> list[dict]:
    return json.loads(kg("ideas", "--json", *args).stdout)


def test_told_with_a_status_and_alone(heard, clock) -> None:
    out = heard("idea", "2", "--status", "taken-up", "--note", "Running it in spring", "--told").stdout
    assert "Idea #2 from Ann Lee is now taken-up and has a new note on what became of it" in out
    assert "was told what became of it" in out
    heard("idea", "4", "--status", "parked")
    out = heard("idea", "4", "--told", "--when", "2026-10-30").stdout
    assert "Idea #4 from Bob Marsh was told what became of it" in out
    by_id = {i["id"]: i for i in ideas(heard)}
    assert by_id[2]["told_at"] == "2026-11-02T10:00:00+00:00"  # now: no --when
    assert by_id[2]["told_by"] == "priya"
    assert by_id[4]["told_at"].startswith("2026-10-30T")  # local noon of that day
    assert by_id[3]["told_at"] is None and by_id[3]["told_by"] is None
    # Told again, with nothing new: nothing changed.
    assert "Nothing changed" in heard("idea", "2", "--told").stdout


def test_untold_lists_decided_ideas_nobody_reported_back(heard) -> None:
    assert ideas(heard, "--untold") == []
    assert "Nobody is waiting to hear" in heard("ideas", "--untold").stdout
    heard("idea", "2", "--status", "taken-up")
    heard("idea", "3", "--status", "not-taken-up")
    heard("idea", "4", "--status", "parked", "--told")
    heard("idea", "5", "--status", "in-progress")  # not decided: nothing to tell yet
    # Decided and untold: 2 and 3 (Ann's), newest first; 4 was told, 1 and 5 still open.
    assert [i["id"] for i in ideas(heard, "--untold")] == [3, 2]
    table = heard("ideas", "--untold").stdout
    assert "not yet" in table and "quiz" not in table
    assert "[bold]quiz[/bold]" in heard("ideas").stdout  # user text shown literally


def test_due_says_who_is_waiting_to_hear(heard) -> None:
    due = json.loads(heard("due", "--json").stdout)
    assert due["untold_ideas"] == 0 and due["people_waiting_to_hear"] == 0
    assert "waiting to hear" not in heard("due").stdout
    heard("idea", "2", "--status", "taken-up")
    heard("idea", "3", "--status", "parked")
    heard("idea", "4", "--status", "not-taken-up")
    due = json.loads(heard("due", "--json").stdout)
    # Three ideas; Ann raised two of them, Bob one: two people.
    assert due["untold_ideas"] == 3 and due["people_waiting_to_hear"] == 2
    assert "2 people are waiting to hear what became of their idea" in heard("due").stdout
    heard("idea", "2", "--told")
    heard("idea", "3", "--told")
    assert "1 person is waiting to hear what became of their idea" in heard("due").stdout


def test_a_new_status_after_telling_means_telling_again(heard) -> None:
    heard("idea", "2", "--status", "taken-up", "--told")
    out = heard("idea", "2", "--status", "parked").stdout
    assert "is to be told again" in out
    assert [i["id"] for i in ideas(heard, "--untold")] == [2]
    heard("idea", "2", "--status", "open")
    assert ideas(heard, "--untold") == []  # open again: nothing to tell


def test_bad_told(heard) -> None:
    before = ideas(heard)
    result = heard("idea", "2", "--told", expect=1)
    assert "still open" in result.stderr and "Traceback" not in result.stderr
    assert "still in-progress" in heard("idea", "2", "--status", "in-progress", "--told", expect=1).stderr
    heard("idea", "2", "--status", "open")
    assert (
        "future" in heard("idea", "2", "--status", "parked", "--told", "--when", "tomorrow", expect=1).stderr
    )
    assert (
        "shared after"
        in heard("idea", "2", "--status", "parked", "--told", "--when", "2026-09-01", expect=1).stderr
    )
    assert heard("idea", "2", "--when", "yesterday", expect=2).stderr.strip()
    assert heard("idea", "99", "--told", expect=1).stderr.startswith("Error: There is no idea number 99")
    assert heard("idea", "2", "--status", "parked", "--told", "--when", "not a day", expect=1).stderr
    assert heard("ideas", "--open", "--untold", expect=2).stderr
    assert heard("idea", "add", "ann", "x", "--told", expect=2).stderr
    assert ideas(heard) == before  # nothing was half-written


def test_forgotten_author_has_nobody_to_tell(heard) -> None:
    heard("idea", "4", "--status", "taken-up")
    heard("forget", "bob", "--yes")
    assert ideas(heard, "--untold") == []  # kept, unlinked: nobody waits to hear
    assert "nobody to tell" in heard("idea", "4", "--told", expect=1).stderr


def test_the_report_says_you_said_we_did(heard, tmp_path) -> None:
    heard("idea", "2", "--status", "taken-up", "--note", "Swap on 3 May with Bob Marsh", "--told")
    heard("idea", "3", "--status", "parked", "--told")
    heard("idea", "4", "--status", "not-taken-up")
    report = json.loads(heard("report", *OCTOBER, "--json").stdout)
    said = report["you_said_we_did"]
    # October's ideas: 2, 3, 4 and 5 (1 was raised in September).
    assert said["by_status"] == {"taken-up": 1, "parked": 1, "not-taken-up": 1, "open": 1}
    assert report["ideas"] == said["by_status"]
    # Told: 2 and 3; decided but not told: 4; still open: 5.
    assert (said["told"], said["not_told"], said["still_open"]) == (2, 1, 1)
    assert [(i["text"], i["status"], i["told"]) for i in said["ideas"]] == [
        ("A seed swap with Bob Marsh", "taken-up", True),
        ("Evening sessions", "parked", True),
        ("A [bold]quiz[/bold] night", "not-taken-up", False),
        ("Minibus to the hub", "open", False),
    ]
    assert said["ideas"][0]["outcome"] == "Swap on 3 May with Bob Marsh"
    page = tmp_path / "r.html"
    heard("report", *OCTOBER, "--output", str(page))
    html = page.read_text()
    assert "You said, we did" in html and "Swap on 3 May" in html and "not yet" in html
    assert "[bold]quiz[/bold]" in html  # literal, escaped by the template
    md = tmp_path / "r.md"
    heard("report", *OCTOBER, "--format", "md", "--output", str(md))
    assert "### You said, we did" in md.read_text() and "| Told what became of it | 2 |" in md.read_text()


def test_the_anonymised_report_names_nobody(heard, tmp_path) -> None:
    heard("idea", "2", "--status", "taken-up", "--note", "Swap on 3 May with Bob Marsh", "--told")
    report = json.loads(heard("report", *OCTOBER, "--anonymise", "--json").stdout)
    said = report["you_said_we_did"]
    assert said["told"] == "<5" and said["not_told"] == 0 and said["still_open"] == "<5"
    text = json.dumps(report)
    for name in ("Ann", "Bob", "Marsh", "Twombly", "priya"):
        assert name not in text, name
    assert said["ideas"][0]["outcome"] == "Swap on 3 May with [someone] [someone]"
    page = tmp_path / "anon.html"
    heard("report", *OCTOBER, "--anonymise", "--output", str(page))
    for name in ("Ann", "Bob", "Marsh", "Twombly"):
        assert name not in page.read_text(), name


def test_told_round_trips_through_the_json_export(heard, tmp_path) -> None:
    heard("idea", "2", "--status", "taken-up", "--told", "--when", "2026-10-30")
    heard("idea", "3", "--status", "parked")
    export = tmp_path / "all.json"
    heard("export", "--output", str(export))
    data = json.loads(export.read_text())
    exported = {i["id"]: i for i in data["ideas"]}
    assert exported[2]["told_at"].startswith("2026-10-30") and exported[2]["told_by"] == "priya"
    assert exported[3]["told_at"] is None
    other = tmp_path / "other.db"
    heard("import", str(export), "--db", str(other))
    again = {i["id"]: i for i in json.loads(heard("ideas", "--json", "--db", str(other)).stdout)}
    mine = {i["id"]: i for i in ideas(heard)}
    assert {k: (v["told_at"], v["told_by"]) for k, v in again.items()} == {
        k: (v["told_at"], v["told_by"]) for k, v in mine.items()
    }
    untold = json.loads(heard("ideas", "--untold", "--json", "--db", str(other)).stdout)
    assert [i["id"] for i in untold] == [3]
