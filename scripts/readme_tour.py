"""Run the README's tour and check (or rewrite) the output it shows.

    python scripts/readme_tour.py           # exit 1 and show the first difference, if any
    python scripts/readme_tour.py --write   # put what keepgoing prints now into the README

Every ```console block of the README is part of the tour: each `$ keepgoing
...` line runs in order on one fresh store, on Friday 27 November 2026 at
9:00 in London, as the worker "alex", 100 columns wide, and what it prints
(output and messages) must be exactly the lines under it. tests/test_readme_tour.py
runs the same check, so the README can never drift from the program.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday, 9:00 in London (GMT)
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.DOTALL | re.MULTILINE)


def steps(text: str) -> list[tuple[str, list[str]]]:
    """(command line, expected lines) for every `$ keepgoing` line of every console block."""
    found: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(text):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                found[-1][1].append(line)
    return found


def run_tour(text: str, folder: Path) -> list[tuple[str, list[str], list[str]]]:
    """Run every step; (command, expected, actual) for each."""
    os.environ.update(
        KEEPGOING_DB=str(folder / "tour.db"),
        KEEPGOING_CONFIG=str(folder / "config.toml"),
        KEEPGOING_WORKER="alex",
        COLUMNS="100",
        TZ="Europe/London",
    )
    os.environ.pop("NO_COLOR", None)
    time.tzset()
    from typer.testing import CliRunner

    import keepgoing.clock
    from keepgoing.cli import app

    keepgoing.clock.now = lambda: MORNING  # type: ignore[assignment]
    runner = CliRunner()
    results = []
    for command, expected in steps(text):
        words = shlex.split(command)
        assert words[0] == "keepgoing", command
        result = runner.invoke(app, words[1:])
        actual = result.output.rstrip("\n").split("\n") if result.output.strip() else []
        results.append((command, expected, actual))
    return results


def rewrite(text: str, results: list[tuple[str, list[str], list[str]]]) -> str:
    outputs = iter(results)

    def block(match: re.Match[str]) -> str:
        lines = []
        for line in match[1].splitlines():
            if line.startswith("$ "):
                command, _, actual = next(outputs)
                lines += [f"$ {command}", *actual]
        return "```console\n" + "\n".join(lines) + "\n```\n"

    return BLOCK.sub(block, text)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="kg-tour-") as folder:
        results = run_tour(text, Path(folder))
    if "--write" in sys.argv:
        README.write_text(rewrite(text, results), encoding="utf-8")
        print(f"rewrote the output of {len(results)} tour steps in README.md")
        return
    for command, expected, actual in results:
        if expected != actual:
            print(
                f"$ {command}\n--- the README shows:\n"
                + "\n".join(expected)
                + "\n--- keepgoing prints:\n"
                + "\n".join(actual)
            )
            sys.exit(1)
    print(f"all {len(results)} tour steps print what the README shows")


if __name__ == "__main__":
    main()
