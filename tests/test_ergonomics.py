"""Everyday ergonomics (issue 14): each "What was seen" case, as a test through the real CLI."""

from __future__ import annotations

import json

import pytest


def test_plain_keepgoing_prints_the_help_and_succeeds(kg) -> None:
    result = kg()
    assert "Usage:" in result.stdout and "COMMAND [ARGS]" in result.stdout and "Every day:" in result.stdout
    assert "Error" not in result.output


@pytest.mark.parametrize(
    ("name", "fmt", "marker"),
    [
        ("r.csv", "csv", "date,"),
        ("r.md", "markdown", "# Hand-over pack"),
        ("r.ics", "ics", "BEGIN:VCALENDAR"),
    ],
)
def test_export_takes_its_format_from_the_file_name(kg, tmp_path, name, fmt, marker) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--note", "hello")
    out = tmp_path / name
    result = kg("export", "--output", str(out))
    assert f"({fmt}:" in result.stderr
    assert marker in out.read_text(encoding="utf-8-sig")
    assert (
        "contradicts"
        in kg("export", "--format", "json", "--output", str(tmp_path / ("x" + name)), expect=2).stderr
    )


@pytest.mark.parametrize(("given", "marker"), [("md", "# Hand-over pack"), ("ical", "BEGIN:VCALENDAR")])
def test_export_accepts_md_and_ical(kg, given, marker) -> None:
    kg("add", "Ann")
    assert marker in kg("export", "--format", given).stdout


def test_the_calendar_carries_next_check_ins_with_stable_uids(kg) -> None:
    kg("add", "Sam Okafor", "--prefers", "phone", "--phone", "07700 900123")
    kg("add", "Dee", "--consent", "withdrawn")
    kg("add", "Pam")
    kg("pause", "pam", "--until", "in 3 weeks")
    first = kg("export", "--format", "ics").stdout
    assert "SUMMARY:Check in with Sam Okafor (by phone)" in first
    assert "07700 900123" in kg("export", "--format", "ics", "--with-contacts").stdout
    assert "Dee" not in first and "Pam" not in first  # withdrawn consent, paused
    uid = next(line for line in first.splitlines() if line.startswith("UID:check-in-"))
    kg("log", "sam")
    again = kg("export", "--format", "ics").stdout
    assert uid in again  # the same event moves rather than a second one appearing


def test_search_covers_follow_ups_ideas_lasting_notes_and_wins(kg) -> None:
    kg("add", "Ann Lee")
    kg(
        "log",
        "ann",
        "--note",
        "nothing to see",
        "--follow-up",
        "Share the funding form",
        "--idea",
        "A funding bid",
    )
    kg("note", "ann", "Good with funding forms")
    kg("win", "The funding came through", "--with", "ann")
    hits = json.loads(kg("search", "funding", "--json").stdout)
    assert {h["kind"] for h in hits} == {"follow-up", "idea", "note", "win"}
    assert all(h["people"] == ["Ann Lee"] for h in hits)
    assert "follow-up #1" in kg("search", "funding").stdout


def test_counts_are_said_properly(kg, tmp_path) -> None:
    kg("add", "Ann")
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps({"format_version": 2, "people": [{"id": 1, "name": "Bob"}], "conversations": []})
    )
    result = kg("import", str(path))
    assert "Added 1 person (" in result.stdout and "0 conversations and 0 follow-ups" in result.stdout
    assert "1 people" not in kg("people").stdout


def test_piped_tables_have_no_trailing_spaces(kg) -> None:
    kg("add", "Ann Lee", "--note", "x" * 50)
    kg("log", "ann", "--note", "a fairly long note " * 5)
    for args in (["people"], ["show", "ann"], ["due", "--within", "60d"]):
        out = kg(*args).stdout
        assert all(line == line.rstrip() for line in out.splitlines()), args


def test_due_within_says_due_or_coming_up(kg, clock) -> None:
    kg("add", "Ann", "--every", "weekly")
    clock.advance(days=5)
    out = kg("due", "--within", "3d").stdout
    assert "Due or coming up in the next 3 days" in out and "due or coming up." in out
    assert "Time for a check-in" not in out


def test_stats_title_matches_its_first_row(kg) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--when", "2026-05-01")
    data = json.loads(kg("stats", "--since", "2026-05-29", "--json").stdout)
    assert data["since"] == data["periods"][0]["start"] == "2026-05-01"
    assert data["periods"][0]["conversations"] == 1


def test_edit_names_options_not_columns(kg) -> None:
    kg("add", "Ann")
    out = kg(
        "edit", "ann", "--consent", "given", "--consent-channels", "phone", "--consent-review", "in 6 months"
    ).stdout
    assert "consent_" not in out and "_on" not in out


def test_at_60_columns_contacts_and_notes_wrap_rather_than_being_cut(kg, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    kg(
        "add",
        "Priya Shah",
        "--every",
        "weekly",
        "--email",
        "priya.shah@foodbank-example.org",
        "--prefers",
        "email",
    )
    kg(
        "log",
        "priya",
        "--when",
        "10 days ago",
        "--note",
        "about the tenants hall and the funding applications",
    )
    due = kg("due").stdout
    assert "…" not in due and "priya.shah" in due
    body = due.split("─")[-1].split("\n\n")[0].splitlines()
    reach = "".join(line.split()[-1] for line in body if line.strip())  # the last column, line by line
    assert "priya.shah@foodbank-example.org" in reach
    card = kg("show", "priya").stdout
    assert "applications" in card and "…" not in card  # whole words, not cut


def test_a_long_timeline_goes_through_the_pager_on_a_terminal_only(kg, monkeypatch, tmp_path) -> None:
    kg("add", "Ann")
    for day in range(1, 30):
        kg("log", "ann", "--when", f"{day} days ago", "--note", f"call {day}")
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("KEEPGOING_PAGER", f"cat > {paged}")
    monkeypatch.setenv("LINES", "20")
    assert "call 1" in kg("show", "ann").stdout and not paged.exists()  # piped: never paged
    monkeypatch.setattr("keepgoing.cli.output.to_terminal", lambda: True)
    kg("show", "ann", "--no-pager")
    assert not paged.exists()
    kg("show", "ann")
    assert "call 1" in paged.read_text()
