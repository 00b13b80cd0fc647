"""Tries with no answer, and a follow-up's whole life (issue 22, first two sections).

Through the real CLI on a real store (SQLite and PostgreSQL); the clock is
Fri 20 Nov 2026, 10:00 London.
"""

from __future__ import annotations

import json

import pytest

from conftest import fingerprint, stored


def _json(result) -> object:
    return json.loads(result.stdout)


@pytest.fixture
def sam(kg):
    kg("add", "Sam Okafor", "--every", "weekly", "--prefers", "phone", "--phone", "07700 900123")
    kg("edit", "sam", "--email", "sam@example.org")
    kg("log", "sam", "--via", "cuppa", "--when", "10 days ago")
    return kg


# --- tried, no answer ---------------------------------------------------------------


def test_a_try_with_no_answer_is_kept_but_leaves_the_rhythm_alone(sam) -> None:
    before = _json(sam("show", "sam", "--json"))
    result = sam("log", "sam", "--no-answer", "--via", "phone", "--note", "Rang, no voicemail")
    assert "no answer (#2)" in result.stdout and "as they were" in result.stdout
    sam("log", "sam", "--tried", "--via", "phone", "--when", "yesterday")
    after = _json(sam("show", "sam", "--json"))
    for field in ("last_contact", "due_on", "days_overdue"):
        if field in before:
            assert after[field] == before[field], field
    reached = [(c["id"], c["reached"]) for c in after["conversations"]]
    assert reached == [(2, False), (3, False), (1, True)]
    assert after["conversations"][0]["note"] == "Rang, no voicemail"
    shown = sam("show", "sam").stdout
    assert shown.count("phone (no answer)") == 2
    [entry] = _json(sam("due", "--json"))["people"]
    assert entry["last_contact_via"] == "cuppa" and entry["days_since_contact"] == 10


def test_due_counts_the_tries_and_after_two_by_phone_suggests_the_other_ways(sam) -> None:
    sam("log", "sam", "--no-answer", "--via", "phone", "--when", "2 days ago")
    once = _json(sam("due", "--json"))["people"][0]["tries"]
    assert (once["count"], once["via"], once["try_instead"]) == (1, ["phone"], [])
    sam("log", "sam", "--no-answer", "--via", "phone")
    screen = sam("due").stdout
    assert "tried twice since Wed 18 Nov" in " ".join(screen.split())
    assert "try text or email" in " ".join(screen.split())
    twice = _json(sam("due", "--json"))["people"][0]["tries"]
    assert twice["count"] == 2 and twice["try_instead"] == ["text", "email"]
    # Reaching them ends the run of tries.
    sam("log", "sam", "--via", "email")
    assert _json(sam("due", "--within", "30d", "--json"))["people"][0]["tries"] is None


def test_a_try_refuses_what_only_a_conversation_holds(sam, db_path) -> None:
    before = fingerprint(db_path)
    for extra in (("--wellbeing", "3"), ("--feeling", "tired"), ("--idea", "A walk")):
        assert "no answer holds no" in sam("log", "sam", "--no-answer", *extra, expect=1).stderr
    assert fingerprint(db_path) == before
    sam("log", "sam", "--no-answer", "--via", "phone")
    before = fingerprint(db_path)
    assert "no answer holds no" in sam("amend", "2", "--wellbeing", "4", expect=1).stderr
    assert fingerprint(db_path) == before
    assert "note" in sam("amend", "2", "--note", "Left a message").stdout


def test_report_counts_attempts_and_who_was_reached(sam, tmp_path) -> None:
    sam("log", "sam", "--no-answer", "--via", "phone")
    sam("log", "sam", "--no-answer", "--via", "phone")
    data = _json(sam("report", "--since", "2026-11-01", "--until", "2026-11-30", "--json"))
    reach = data["reach"]
    assert (reach["attempts"], reach["reached"], reach["no_answer"], reach["conversations"]) == (3, 1, 2, 1)
    assert "3 attempts, 1 reached." in data["summary"]
    assert reach["by_channel"] == {"cuppa": 1}
    page = tmp_path / "report.md"
    sam("report", "--since", "2026-11-01", "--until", "2026-11-30", "--output", str(page))
    assert "| Attempts (reached or not) | 3 |" in page.read_text()


def test_tries_round_trip_through_the_json_export(sam, tmp_path, monkeypatch) -> None:
    sam("log", "sam", "--no-answer", "--via", "phone", "--note", "[bold]no answer[/bold]")
    sam("followup", "add", "sam", "Post the leaflet", "--due", "monday")
    sam("followup", "1", "--cancel")
    out = tmp_path / "all.json"
    sam("export", "--output", str(out))
    exported = json.loads(out.read_text())
    assert [c["reached"] for c in exported["conversations"]] == [True, False]
    [promise] = exported["follow_ups"]
    assert promise["cancelled_at"] is not None and promise["conversation_id"] is None
    monkeypatch.setenv("KEEPGOING_DB", str(tmp_path / "other.db"))
    sam("import", str(out))
    again = _json(sam("show", "sam", "--json"))
    assert [c["reached"] for c in again["conversations"]] == [False, True]
    assert again["conversations"][0]["note"] == "[bold]no answer[/bold]"
    assert again["last_contact"].startswith("2026-11-10")
    assert [f["status"] for f in again["follow_ups"]] == ["cancelled"]
    assert "- **Fri 20 Nov 2026**, phone (tried, no answer)" in sam("export", "--format", "markdown").stdout
    spreadsheet = sam("export", "--format", "csv").stdout.splitlines()
    assert spreadsheet[0].endswith(",conversation_id,reached,private")
    assert [line.rsplit(",", 2)[1] for line in spreadsheet[1:]] == ["yes", "no"]


# --- follow-ups and ideas of their own ----------------------------------------------


def test_followup_add_and_idea_add_need_no_conversation(sam, db_path) -> None:
    added = sam("followup", "add", "sam", "Send the allotment map", "--due", "today")
    assert "Follow-up #1 for Sam Okafor, due Fri 20 Nov 2026: Send the allotment map" in added.stdout
    assert "Idea #1 from Sam Okafor noted: A seed swap" in sam("idea", "add", "sam", "A seed swap").stdout
    [item] = _json(sam("due", "--json"))["follow_ups"]
    assert (item["id"], item["conversation_id"], item["status"]) == (1, None, "open")
    assert stored(db_path, "SELECT count(*) FROM conversation") == [(1,)]
    # The numbered forms still work as before.
    assert "due day" in sam("followup", "1", "--due", "next monday").stdout
    assert "is now parked" in sam("idea", "1", "--status", "parked").stdout
    as_json = _json(sam("followup", "add", "sam", "Ring the hall", "--json"))
    assert (as_json["id"], as_json["text"], as_json["due"]) == (2, "Ring the hall", None)


def test_followup_add_and_idea_add_refusals_write_nothing(sam, db_path) -> None:
    before = fingerprint(db_path)
    assert "takes a number" in sam("followup", "three", expect=2).stderr
    assert "a name and its words" in sam("followup", "add", "sam", expect=2).stderr
    assert "nothing else" in sam("followup", "add", "sam", "x", "--cancel", expect=2).stderr
    assert "some words" in sam("followup", "add", "sam", "   ", expect=1).stderr
    assert "takes a number" in sam("idea", "first", expect=2).stderr
    assert "afterwards" in sam("idea", "add", "sam", "x", "--status", "parked", expect=2).stderr
    assert "options only" in sam("followup", "1", "sam", expect=2).stderr
    assert fingerprint(db_path) == before


def test_unknown_person_for_followup_add_is_one_line(sam, db_path) -> None:
    before = fingerprint(db_path)
    refused = sam("followup", "add", "nobody", "Send it", expect=1)
    assert len(refused.stderr.strip().splitlines()) == 1
    assert fingerprint(db_path) == before


# --- a follow-up's whole life -------------------------------------------------------


def test_cancel_keeps_it_reopen_brings_it_back_and_due_never_lists_it(sam, db_path) -> None:
    sam("followup", "add", "sam", "Send the map", "--due", "today")
    cancelled = sam("followup", "1", "--cancel", "--json")
    data = _json(cancelled)
    assert (data["status"], data["cancelled"]) == ("cancelled", True)
    assert data["cancelled_at"].startswith("2026-11-20")
    assert _json(sam("due", "--json"))["follow_ups"] == []
    assert _json(sam("followups", "--json")) == []
    [listed] = _json(sam("followups", "--done", "--json"))
    assert listed["status"] == "cancelled"
    assert "Done and cancelled follow-ups" in sam("show", "sam").stdout
    assert "already cancelled" in sam("done", "1", expect=1).stderr
    assert "already cancelled" in sam("followup", "1", "--cancel", expect=1).stderr
    assert "Reopened follow-up #1" in sam("followup", "1", "--reopen").stdout
    [back] = _json(sam("due", "--json"))["follow_ups"]
    assert (back["id"], back["status"], back["cancelled_at"]) == (1, "open", None)
    assert "still open" in sam("followup", "1", "--reopen", expect=1).stderr
    assert "on its own" in sam("followup", "1", "--reopen", "--cancel", expect=2).stderr


def test_done_when_back_dates_and_counts_on_time(sam, clock) -> None:
    sam("followup", "add", "sam", "Send the minutes", "--due", "monday")
    sam("followup", "add", "sam", "Book the room", "--due", "tuesday")
    sam("followup", "add", "sam", "Ring the council")
    clock.advance(days=5)  # Wed 25 Nov
    done = sam("done", "1", "--when", "monday")
    assert "Done: #1 Send the minutes (for Sam Okafor), Mon 23 Nov 2026" in done.stdout
    sam("done", "2")  # late: due Tuesday, done Wednesday
    sam("followup", "3", "--cancel")
    assert "in the future" in sam("done", "3", "--when", "tomorrow", expect=1).stderr
    report = _json(sam("report", "--since", "2026-11-01", "--until", "2026-11-30", "--json"))["promises"]
    assert (report["made"], report["done_on_time"], report["done_late"]) == (3, 1, 1)
    assert (report["still_open"], report["cancelled"]) == (0, 1)
    every = _json(sam("followups", "--all", "--json"))
    assert sorted((f["id"], f["status"]) for f in every) == [(1, "done"), (2, "done"), (3, "cancelled")]
    assert "late" in sam("followups", "--done").stdout
    assert "not both" in sam("followups", "--done", "--all", expect=2).stderr
    # A promise made in a back-dated conversation may be done on any day since that conversation.
    sam("log", "sam", "--when", "last monday", "--follow-up", "Post the form")
    assert "was made after" in sam("done", "4", "--when", "last sunday", expect=1).stderr
    assert "Mon 23 Nov 2026" in sam("done", "4", "--when", "last monday").stdout


def test_the_calendar_leaves_out_done_and_cancelled_follow_ups(sam, tmp_path) -> None:
    sam("followup", "add", "sam", "Send the map", "--due", "monday")
    sam("followup", "add", "sam", "Book the room", "--due", "tuesday")
    sam("followup", "add", "sam", "Ring the hall", "--due", "wednesday")
    sam("done", "1")
    sam("followup", "2", "--cancel")
    out = tmp_path / "cal.ics"
    sam("export", "--output", str(out))
    calendar = out.read_text()
    assert "Ring the hall" in calendar
    assert "Send the map" not in calendar and "Book the room" not in calendar
