"""Every command is documented, with an example, and the docs match the code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import generator

ROOT = Path(__file__).resolve().parent.parent


reference = generator()


@pytest.mark.parametrize("name", reference.command_names())
def test_every_command_has_help_and_an_example(kg, name: str) -> None:
    out = kg(name, "--help").stdout
    assert "Usage:" in out
    assert "Example" in out and f"keepgoing {name}" in out


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in readme


def test_readme_mentions_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in reference.command_names():
        assert f"keepgoing {name}" in readme, name


def test_changelog_names_this_version() -> None:
    from keepgoing import __version__

    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_git_ignores_nothing_the_tests_need() -> None:
    tracked = subprocess.run(["git", "ls-files", "tests/fixtures"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert "tests/fixtures/schema/0001_initial.db" in tracked.stdout


def test_the_command_table_names_what_the_modules_register() -> None:
    """`keepgoing NAME` imports only COMMANDS[NAME].module, and builds the command registered there."""
    from typer.main import get_command

    from keepgoing.cli.app import COMMANDS, app

    group = get_command(app)
    for name, entry in COMMANDS.items():
        command = group.get_command(None, name)
        assert command is not None and command.name == name, name
        callback = (
            command.callback
            if not hasattr(command, "commands")
            else next(iter(command.commands.values())).callback
        )
        assert callback.__module__ == entry.module, name
        assert command.get_short_help_str(limit=1000) in (entry.summary, ""), name
    assert {c.callback.__module__ for c in app.registered_commands} <= {e.module for e in COMMANDS.values()}
    assert len(app.registered_commands) + len(app.registered_groups) == len(COMMANDS)


def test_every_store_command_takes_db_after_its_name() -> None:
    from typer.main import get_command

    from keepgoing.cli.app import COMMANDS, app

    group = get_command(app)
    for name, entry in COMMANDS.items():
        command = group.get_command(None, name)
        leaves = list(getattr(command, "commands", {}).values()) or [command]
        for leaf in leaves:
            assert ("--db" in [o for p in leaf.params for o in p.opts]) is entry.store, (name, leaf.name)


def test_the_command_name_is_found_past_global_options() -> None:
    from keepgoing.cli.app import command_in

    assert command_in(["--db", "x.db", "log", "sam"]) == "log"
    assert command_in(["--debug", "--db=x.db", "due", "--json"]) == "due"
    assert command_in(["--help"]) is None and command_in(["--version", "due"]) is None
    assert command_in([]) is None and command_in(["--db"]) is None


def test_the_core_person_reads_every_column_it_should() -> None:
    """A new person column reaches the core's Person, or is left out here on purpose."""
    from keepgoing.core.person import PERSON_FIELDS
    from keepgoing.storage.columns import COLUMNS

    kept_in_the_store_only = {"name_key", "updated_at"}
    assert set(COLUMNS["person"]) - set(PERSON_FIELDS) == kept_in_the_store_only


def test_the_export_lists_a_persons_columns_in_table_order(kg) -> None:
    import json

    from keepgoing.exchange.formats.json import NOT_EXPORTED
    from keepgoing.storage.columns import COLUMNS

    kg("add", "Sam Okafor", "--phone", "07700 900123")
    person = json.loads(kg("export").stdout)["people"][0]
    expected = [c for c in COLUMNS["person"] if c not in NOT_EXPORTED]
    assert list(person) == [expected[0], expected[1], "aliases", "tags", *expected[2:]]
    assert person["phone"] == "07700 900123"
