"""What keepgoing says is what happened (issue 20): change messages, counts, examples, names as typed."""

from __future__ import annotations

import json

import pytest

from conftest import fingerprint

NOTHING = "Nothing changed"


def _unchanged(kg, db_path, *args: str) -> str:
    """Run a change that changes nothing: exit 0, "Nothing changed", and not a row written."""
    before = fingerprint(db_path)
    out = kg(*args).stdout
    assert out.startswith(NOTHING), out
    assert fingerprint(db_path) == before
    return out


def test_followup_due_none_says_the_due_day_was_removed(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("log", "sam", "--follow-up", "Send the minutes", "--due", "friday")
    out = kg("followup", "1", "--due", "none").stdout
    assert "(due day removed)" in out and "no due day changed" not in out
    _unchanged(kg, db_path, "followup", "1", "--due", "none")
    _unchanged(kg, db_path, "followup", "1", "--text", "Send the minutes", "--for", "sam")
    out = kg("followup", "1", "--text", "Send the map").stdout
    assert "(words changed)" in out
    kg("add", "Priya Shah")
    assert "(now for Priya Shah)" in kg("followup", "1", "--for", "priya").stdout


def test_idea_says_only_what_changed(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("log", "sam", "--idea", "A walking group")
    out = kg("idea", "1", "--note", "Asked the council").stdout
    assert "is now" not in out and "new note on what became of it" in out
    _unchanged(kg, db_path, "idea", "1", "--note", "Asked the council", "--status", "open")
    assert "Idea #1 from Sam Okafor is now taken-up." in kg("idea", "1", "--status", "taken-up").stdout


def test_edit_with_what_they_already_have_changes_nothing(kg, db_path) -> None:
    kg("add", "Tom", "--tag", "carers", "--alias", "Tommy", "--every", "weekly", "--org", "Hub")
    kg("add", "Sharon Lee", "--tag", "carers")
    _unchanged(kg, db_path, "edit", "sharon", "--tag", "carers")
    _unchanged(kg, db_path, "edit", "tom", "--name", "Tom")
    _unchanged(
        kg, db_path, "edit", "tom", "--alias", "tommy", "--every", "weekly", "--org", "Hub", "--role", ""
    )
    out = kg("edit", "tom", "--tag", "carers", "--tag", "walking", "--name", "Tom").stdout
    assert out.startswith("Updated Tom: tags;"), out
    assert kg("edit", "tom", "--org", "Hub", "--role", "Chair").stdout.startswith("Updated Tom: role;")


def test_pause_resume_archive_when_already_so(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    _unchanged(kg, db_path, "resume", "sam")
    kg("pause", "sam", "--until", "2026-12-10")
    _unchanged(kg, db_path, "pause", "sam", "--until", "2026-12-10")
    kg("archive", "sam")
    _unchanged(kg, db_path, "archive", "sam")


def test_amend_and_group_join_that_change_nothing(kg, db_path) -> None:
    kg("add", "Ann Lee")
    kg("log", "ann", "--note", "Tea")
    _unchanged(kg, db_path, "amend", "1", "--note", "Tea", "--with", "ann")
    kg("group", "add", "Walking", "--member", "Ann")
    _unchanged(kg, db_path, "group", "join", "walking", "ann")


def _help_examples() -> list[str]:
    """Every example line in every command's --help (its comment in brackets left off)."""
    import re

    from typer.main import get_command

    from keepgoing.cli import app

    found: list[str] = []

    def walk(command) -> None:
        for line in f"{command.help or ''}\n{command.epilog or ''}".splitlines():
            example = re.match(r"\s*(?:Start here:\s*)?(keepgoing .*)", line)
            if example:
                found.append(example[1].split("   (")[0])
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(get_command(app))
    return found


def test_every_help_example_parses_as_written() -> None:
    """Each example goes through the real parser (types, arguments, options), without running it."""
    import shlex

    from typer._click.exceptions import UsageError
    from typer.main import get_command

    from keepgoing.cli import app

    examples = _help_examples()
    assert len(examples) > 80
    root = get_command(app)
    broken = []
    for example in examples:
        ctx = None
        command = root
        args = shlex.split(example)[1:]
        try:
            while True:
                ctx = command.make_context(command.name or "keepgoing", args, parent=ctx)
                args = ctx._protected_args + ctx.args
                if not hasattr(command, "resolve_command") or not args:
                    break
                _, command, args = command.resolve_command(ctx, args)
        except UsageError as exc:
            broken.append(f"{example}: {exc.format_message()}")
    assert not broken, "\n".join(broken)


def test_export_counts_and_extensions(kg, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    kg("add", "Sam Okafor")
    kg("log", "sam", "--note", "Tea")
    result = kg("export", "--output", "nov.csv")
    assert "(csv: 1 row)" in result.stderr, result.stderr
    for name in ("x.xlsx", "notes.txt", "x.XLSX"):
        result = kg("export", "--output", name, expect=2)
        assert "does not write" in result.stderr and ".json, .csv, .md, .markdown or .ics" in result.stderr
        assert not (tmp_path / name).exists()
    result = kg("export", "--format", "csv", "--output", "x.xlsx", expect=2)
    result = kg("report", "--output", "q3.pdf", expect=2)
    assert ".md, .markdown, .html or .htm" in result.stderr and not (tmp_path / "q3.pdf").exists()
    kg("report", "--format", "md")
    assert [p.suffix for p in tmp_path.glob("impact-report-*")] == [".md"]


def test_spread_counts_with_the_plural_helper(kg, clock) -> None:
    kg("add", "Sam Okafor", "--every", "weekly")
    clock.advance(days=20)
    out = kg("spread", "--over", "1d", "--dry-run").stdout
    assert "Would spread 1 check-in over 1 day, about 1 a day" in out, out


def test_the_report_group_table_is_the_same_on_the_page_and_in_markdown(kg, tmp_path, clock) -> None:
    kg("add", "Ann Lee")
    kg("add", "Bob Day")
    kg("add", "Cy Twombly")
    kg("group", "add", "Walking", "--member", "Ann", "--member", "Bob")
    kg("log", "--group", "walking", "--present", "Ann", "--present", "Bob", "--present", "Cy")
    clock.advance(days=1)
    kg("log", "--group", "walking", "--present", "Ann")
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    kg("report", "--output", str(md))
    kg("report", "--output", str(page))
    assert "| Group | Sessions | Average attendance |" in md.read_text()
    assert "| Walking | 2 | 2.0 |" in md.read_text()
    html = page.read_text()
    assert '<th class="n">Average attendance</th>' in html and '<td class="n">2.0</td>' in html


def test_search_is_newest_first_across_kinds_as_it_says(kg, clock) -> None:
    kg("add", "Sam Okafor", "--note", "Loves the allotment")
    kg("log", "sam", "--note", "The allotment gate", "--when", "2026-11-10", "--follow-up", "Allotment rota")
    kg("log", "sam", "--note", "Allotment again", "--when", "2026-11-15")
    clock.advance(days=1)
    kg("win", "Sam opened the allotment shed")
    found = [(r["kind"], r["when"][:10]) for r in json.loads(kg("search", "allotment", "--json").stdout)]
    people = [f for f in found if f[0] == "person"]
    rest = [f for f in found if f[0] != "person"]
    assert found[: len(people)] == people and len(rest) == 4
    assert [when for _, when in rest] == sorted((when for _, when in rest), reverse=True), found
    assert "newest first" in kg("search", "--help").stdout


def test_typographic_quotes_and_dashes_in_names_match_their_plain_forms(kg) -> None:
    kg("add", "Mary O'Connor", "--alias", "Bernie-Lou")
    kg("add", "Jo “JJ” Smith")
    kg("group", "add", "Men's shed", "--member", "Mary")
    assert "Mary O'Connor" in kg("show", "O’Connor").stdout
    assert "Mary O'Connor" in kg("show", "mary o‘connor").stdout
    assert "Mary O'Connor" in kg("show", "Bernie–Lou").stdout
    assert "Jo “JJ” Smith" in kg("show", 'jo "jj" smith').stdout
    assert "Men's shed" in kg("group", "show", "men’s").stdout
    result = kg("add", "Mary O’Connor", expect=1)
    assert "already used by Mary O'Connor" in result.stderr
    kg("group", "add", "Men’s shed", expect=1)


@pytest.mark.sqlite_only("an older SQLite file from the schema fixtures")
def test_an_older_store_gets_plain_name_keys(kg, monkeypatch, tmp_path) -> None:
    """Keys stored before 0006 kept typographic marks; the upgrade works them out again."""
    import shutil
    import sqlite3
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema" / "0005_corrections.db", old)
    with sqlite3.connect(old) as conn:
        conn.execute(
            "INSERT INTO person (name, name_key, cadence_days, created_at, updated_at, due_on, version) "
            "VALUES ('Mary O’Connor', 'mary o’connor', 30, '2026-11-01 10:00:00', '2026-11-01 10:00:00', "
            "'2026-12-01', 1)"
        )
        mary = conn.execute("SELECT id FROM person WHERE name = 'Mary O’Connor'").fetchone()[0]
        conn.execute(
            "INSERT INTO alias (person_id, alias, alias_key) VALUES (?, 'Bee–Bee', 'bee–bee')", (mary,)
        )
        conn.execute(
            "INSERT INTO community_group (name, name_key, cadence_days, created_at) "
            "VALUES ('Men’s shed', 'men’s shed', 7, '2026-11-01 10:00:00')"
        )
    monkeypatch.setenv("KEEPGOING_DB", str(old))
    assert "Mary O’Connor" in kg("show", "mary o'connor").stdout
    assert "Mary O’Connor" in kg("show", "bee-bee").stdout
    assert "Men’s shed" in kg("group", "show", "men's shed").stdout
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT name_key FROM person WHERE id = ?", (mary,)).fetchone() == (
            "mary o'connor",
        )


def test_retention_counts_with_the_plural_helper(kg) -> None:
    kg("add", "Ann Lee")
    kg("log", "ann", "--when", "2023-01-10", "--note", "old")
    assert "1 conversation from before" in kg("retention", "--older-than", "2y", "--dry-run").stdout
    assert "Done: 1 conversation erased." in kg("retention", "--older-than", "2y", "--yes").stdout
