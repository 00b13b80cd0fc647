"""scripts/generate.py: the one generator of docs/cli.md, the README tour and storage/columns.py.

The README test command runs `python scripts/generate.py --check` (so the
generated files cannot drift from the program); these tests prove that step
is there and that `--check` really fails on a stale file and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import generator

ROOT = Path(__file__).resolve().parent.parent
CHECK = "python scripts/generate.py --check"


generate = generator()


def test_the_test_command_and_ci_check_every_generated_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "pip install -e '.[test]'" in line)
    assert CHECK in command and command.index(CHECK) < command.index("pytest")
    assert command in ci
    assert set(generate.PARTS) == {"columns", "cli", "tour"}


def test_check_names_a_stale_file_and_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    target = tmp_path / "made.txt"
    target.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    monkeypatch.setattr(generate, "PARTS", {"made": (target, lambda current: current.upper())})
    assert generate.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "-old" in err and "+OLD" in err
    assert "made.txt is stale: run python scripts/generate.py made" in err
    assert target.read_text(encoding="utf-8") == "old\n"
    assert generate.main([]) == 0
    assert target.read_text(encoding="utf-8") == "OLD\n"
    assert generate.main(["--check"]) == 0


def test_an_unknown_part_is_a_usage_error(capsys) -> None:
    assert generate.main(["--check", "nothing"]) == 2
    assert "usage: python scripts/generate.py [--check] [columns | cli | tour ...]" in capsys.readouterr().err


def test_the_tour_is_a_realistic_morning_through_the_new_commands() -> None:
    commands = [command for command, _ in generate.steps((ROOT / "README.md").read_text(encoding="utf-8"))]
    assert len(commands) >= 15
    for needed in ("add", "log", "due", "amend", "followup", "done", "show", "unlog", "win"):
        assert any(c.split()[1] == needed for c in commands), needed


def test_the_tour_writes_what_each_step_printed_under_it() -> None:
    text = "Intro\n```console\n$ keepgoing a\nstale\n$ keepgoing b\n```\nEnd\n"
    assert generate.with_outputs(text, [["one", "two"], []]) == (
        "Intro\n```console\n$ keepgoing a\none\ntwo\n$ keepgoing b\n```\nEnd\n"
    )


@pytest.mark.parametrize("name", ["columns", "cli"])
def test_each_part_names_the_one_generator(name: str) -> None:
    path, _ = generate.PARTS[name]
    assert "python scripts/generate.py" in path.read_text(encoding="utf-8")
