"""The morning screen fits one terminal: the most urgent first, then how many more and how to see them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len


def many_due(kg, clock, people: int, follow_ups: int = 0) -> None:
    """`people` people due, the first most overdue, and `follow_ups` promises due today."""
    rows = []
    for i in range(people):
        row = {"name": f"Person {i:03d} Longsurname-Doubleday", "cadence_days": 7}
        row["phone"] = f"07700 9{i:05d}"
        row["prefers"] = "phone"
        rows.append(row)
    data = {"format_version": 1, "people": rows, "conversations": [], "follow_ups": []}
    path = clock.folder / "people.json"
    path.write_text(json.dumps(data))
    kg("import", str(path))
    for i in range(follow_ups):
        kg(
            "followup",
            "add",
            f"Person {i:03d}",
            f"ring back about the allotment plot number {i}",
            "--due",
            "today",
        )
    clock.advance(days=20)


@pytest.fixture
def screen(monkeypatch, clock, tmp_path):
    clock.folder = tmp_path
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("LINES", raising=False)


def lines_of(out: str) -> list[str]:
    return out.rstrip("\n").split("\n")


def test_sixty_people_and_thirty_follow_ups_fit_an_80_by_24_terminal(kg, clock, screen) -> None:
    many_due(kg, clock, 60, follow_ups=30)
    out = kg("due").stdout
    lines = lines_of(out)
    assert len(lines) <= 23, out  # and the shell's prompt on the 24th
    assert all(cell_len(line) <= 80 for line in lines), out
    shown = [n for n in range(60) if f"Person {n:03d}" in out]
    assert shown and len(shown) < 60
    assert f"…and {60 - len(shown)} more: keepgoing due --all" in out
    assert "more follow-ups: keepgoing followups" in out
    assert "60 people due" in out
    assert out.count("ring back") >= 3  # follow-ups keep a few rows


def test_every_row_is_one_line_and_phone_numbers_are_never_split(kg, clock, screen) -> None:
    many_due(kg, clock, 8)
    out = kg("due").stdout
    for n in range(8):
        assert f"07700 9{n:05d}" in out  # whole, on one line
    rows = [line for line in lines_of(out) if "07700" in line]
    assert len(rows) == 8 and all("days over" in row for row in rows)


def test_all_and_limit_list_more_and_json_lists_everyone(kg, clock, screen) -> None:
    many_due(kg, clock, 40, follow_ups=25)
    everyone = kg("due", "--all").stdout
    assert all(f"Person {n:03d}" in everyone for n in range(40))
    assert "more" not in everyone
    assert everyone.count("ring back") == 25
    five = kg("due", "--limit", "5").stdout
    assert sum(f"Person {n:03d}" in five for n in range(40)) == 5
    assert "…and 35 more: keepgoing due --all" in five
    data = json.loads(kg("due", "--json").stdout)
    assert len(data["people"]) == 40 and len(data["follow_ups"]) == 25
    assert "Choose one of --all and --limit" in kg("due", "--all", "--limit", "3", expect=2).stderr


def test_a_taller_terminal_shows_more(kg, clock, screen, monkeypatch) -> None:
    many_due(kg, clock, 60)
    short = sum(f"Person {n:03d}" in kg("due").stdout for n in range(60))
    monkeypatch.setenv("LINES", "50")
    tall = kg("due").stdout
    assert sum(f"Person {n:03d}" in tall for n in range(60)) > short
    assert len(lines_of(tall)) <= 49


def test_the_way_to_see_the_rest_keeps_the_options_given(kg, clock, screen) -> None:
    many_due(kg, clock, 30)
    kg("edit", "person 001", "--tag", "carers")
    assert "keepgoing due --tag carers --all" not in kg("due", "--tag", "carers").stdout  # all fit
    out = kg("due", "--within", "3d").stdout
    assert "keepgoing due --within 3d --all" in out


def test_tries_and_a_wellbeing_drop_are_noted_under_the_table(kg, clock, screen) -> None:
    kg("add", "Kev Smith", "--every", "weekly", "--phone", "07700 900123", "--email", "kev@example.org")
    kg("log", "kev", "--via", "phone", "--wellbeing", "4", "--when", "2 days ago")
    kg("log", "kev", "--via", "phone", "--wellbeing", "2")
    clock.advance(days=10)
    kg("log", "kev", "--via", "phone", "--no-answer")
    kg("log", "kev", "--via", "phone", "--no-answer")
    out = kg("due").stdout
    lines = lines_of(out)
    at = next(i for i, line in enumerate(lines) if "tried twice" in line)
    noted = " ".join(lines[at : at + 2])
    assert lines[at].startswith("  Kev Smith: tried twice since Mon 30 Nov 2026: by phone")
    assert "or email" in noted and "call sooner" in noted and all(cell_len(line) <= 80 for line in lines)


def test_a_name_that_looks_like_markup_is_shown_as_typed(kg, clock, screen) -> None:
    kg("add", "[bold]Sam[/bold] [link=x]", "--every", "weekly")
    clock.advance(days=40)
    out = kg("due").stdout
    assert "[bold]Sam[/bold] [link=x]" in out


def test_people_limit_lists_the_first_by_name_and_says_how_many_more(kg, clock) -> None:
    for name in ("Cy", "Ann", "Bea", "Dee"):
        kg("add", name)
    out = kg("people", "--limit", "2").stdout
    assert "Ann" in out and "Bea" in out and "Cy" not in out
    assert "…and 2 more (4 people in all)" in out
    assert [p["name"] for p in json.loads(kg("people", "--limit", "3", "--json").stdout)] == [
        "Ann",
        "Bea",
        "Cy",
    ]
    assert "4 people." in kg("people", "--limit", "4").stdout
    assert kg("people", "--limit", "0", expect=2).exit_code == 2


@given(
    people=st.integers(0, 80),
    follow_ups=st.integers(0, 40),
    lines=st.integers(20, 60),
    width=st.integers(60, 200),
    name=st.text(st.characters(categories=("L", "Zs")), min_size=1, max_size=70),
    tried=st.integers(0, 3),
)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_screen_never_runs_past_the_terminal(
    people, follow_ups, lines, width, name, tried, monkeypatch, capsys
) -> None:
    from keepgoing.cli.render import console
    from keepgoing.cli.render import due as due_screen
    from keepgoing.core.followups import FollowUp
    from keepgoing.core.rhythm import DueEntry, DueReport, Tries

    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("LINES", str(lines))
    today = date(2026, 12, 2)
    since = datetime(2026, 11, 20, 10, tzinfo=UTC)
    entries = [
        DueEntry(
            id=i,
            name=f"{name} {i}",
            cadence_days=7,
            due_on=today - timedelta(days=i),
            last_contact_day=None,
            last_contact_at=None,
            last_contact_via=None,
            prefers="phone",
            phone="07700 900123",
            email=None,
            today=today,
            wellbeing_drop="4→2" if i % 3 == 0 else None,
            tries=Tries(tried, since, ["phone"] * tried, ["email"]) if tried and i % 2 else None,
        )
        for i in range(people)
    ]
    promises = [
        FollowUp(id=i, person_id=i, person=name, text="x " * 50, due_on=today, created_at=since)
        for i in range(follow_ups)
    ]
    report = DueReport(
        today=today,
        within_days=0,
        people=entries,
        follow_ups=promises,
        people_total=people,
        follow_ups_total=follow_ups,
        reached_this_week=3,
        wins_this_month=2,
    )
    fit = due_screen.fit_rows(report, due_screen.screen_lines(), console().width)
    capsys.readouterr()
    due_screen.due_screen(report, fit=fit, suggestion="keepgoing due --all", tag=None)
    out = capsys.readouterr().out.rstrip("\n").split("\n")
    assert len(out) <= lines - 1 or fit.people == 1, (len(out), fit)
    assert all(cell_len(line) <= width for line in out)
    if people:
        assert fit.people >= 1
