"""Write, or check, every file that is generated from the program itself.

    python scripts/generate.py            # rewrite whatever is out of date
    python scripts/generate.py --check    # change nothing; exit 1 naming each stale file
    python scripts/generate.py columns    # only the parts named (columns, cli, tour)

The parts, in the order they run:

- columns: src/keepgoing/storage/columns.py, each table's columns from the
  SQLModel classes in storage/models.py (the core reads these instead of
  importing SQLModel, which costs more start-up than a whole command).
- cli: docs/cli.md, from the real `--help` of every command.
- tour: the output lines of every ```console block of README.md. Each
  `$ keepgoing ...` line runs in order on one fresh store, on Friday
  27 November 2026 at 9:00 in London, as the worker "alex", 100 columns wide,
  and what it prints is written under it.

The README test command runs `--check`, so none of these can drift from the code.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS_FILE = ROOT / "src" / "keepgoing" / "storage" / "columns.py"
REFERENCE = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday, 9:00 in London (GMT)
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.DOTALL | re.MULTILINE)
COMMAND = "python scripts/generate.py"


# --- columns: storage/columns.py from the models -------------------------------------------------


def _python_type(column: object) -> type | None:
    """The Python type a column holds (SQLModel's UTCDateTime wraps a DateTime)."""
    sql_type = getattr(column.type, "impl", column.type)  # type: ignore[attr-defined]
    try:
        return sql_type.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


def columns_py(_current: str) -> str:
    from datetime import date

    from keepgoing.storage.models import metadata

    names, instants, days, lengths = [], [], [], []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        names.append(f'    "{table.name}": ({"".join(f"{c.name!r}, " for c in table.columns).rstrip()}),')
        pairs = [(c, f'    ("{table.name}", "{c.name}"),') for c in table.columns]
        instants += [line for c, line in pairs if _python_type(c) is datetime]
        days += [line for c, line in pairs if _python_type(c) is date]
        lengths += [
            f'    ("{table.name}", "{c.name}"): {c.type.length},'
            for c in table.columns
            if getattr(c.type, "length", None)
        ]
    lines = [
        '"""Each table\'s columns, in order: written from storage/models.py by',
        f"`{COMMAND}`; do not edit by hand.",
        "",
        "The core reads these instead of importing SQLModel (which costs more",
        "start-up time than a whole command); the test command checks they match the models.",
        '"""',
        "",
        "COLUMNS: dict[str, tuple[str, ...]] = {",
        *(line.replace("'", '"') for line in names),
        "}",
        "# (table, column) pairs holding an instant (stored in UTC) and a calendar day.",
        "INSTANTS: frozenset[tuple[str, str]] = frozenset((",
        *instants,
        "))",
        "DAYS: frozenset[tuple[str, str]] = frozenset((",
        *days,
        "))",
        "# The longest text each column may hold (its max_length in the models): the one limit on it.",
        "LENGTHS: dict[tuple[str, str], int] = {",
        *lengths,
        "}",
        "",
    ]
    return _ruff_format("\n".join(lines), COLUMNS_FILE)


def _ruff_format(source: str, path: Path) -> str:
    formatted = subprocess.run(
        ["ruff", "format", "--quiet", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return formatted.stdout


# --- cli: docs/cli.md from every command's --help -------------------------------------------------


def command_names() -> list[str]:
    from typer.main import get_command

    from keepgoing.cli import app

    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


def cli_md(_current: str) -> str:
    from typer.testing import CliRunner

    from keepgoing.cli import app

    os.environ["COLUMNS"] = "100"
    os.environ.pop("NO_COLOR", None)
    runner = CliRunner()
    parts = [
        "# keepgoing command reference\n",
        f"Generated from the real `--help` by `{COMMAND}`; do not edit by hand.\n",
    ]
    for name in [None, *command_names()]:
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "100"}, prog_name="keepgoing")
        title = f"keepgoing {name}" if name else "keepgoing"
        body = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts.append(f"## `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


# --- tour: the README's console blocks, run ------------------------------------------------------


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


def run_tour(text: str, folder: Path) -> list[list[str]]:
    """What each step prints, run in order on one fresh store in `folder`."""
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
    printed = []
    for command, _ in steps(text):
        words = shlex.split(command)
        if words[0] != "keepgoing":
            raise SystemExit(f"README.md: a console block runs {command!r}; the tour runs only keepgoing")
        result = runner.invoke(app, words[1:])
        printed.append(result.output.rstrip("\n").split("\n") if result.output.strip() else [])
    return printed


def with_outputs(text: str, printed: list[list[str]]) -> str:
    """The README with each step's lines replaced by what it printed."""
    outputs = iter(printed)

    def block(match: re.Match[str]) -> str:
        lines = []
        for line in match[1].splitlines():
            if line.startswith("$ "):
                lines += [line, *next(outputs)]
        return "```console\n" + "\n".join(lines) + "\n```\n"

    return BLOCK.sub(block, text)


def readme(current: str) -> str:
    with tempfile.TemporaryDirectory(prefix="kg-tour-") as folder:
        return with_outputs(current, run_tour(current, Path(folder)))


# --- the driver ----------------------------------------------------------------------------------

PARTS: dict[str, tuple[Path, Callable[[str], str]]] = {
    "columns": (COLUMNS_FILE, columns_py),
    "cli": (REFERENCE, cli_md),
    "tour": (README, readme),
}


def difference(path: Path, current: str, wanted: str) -> str:
    """The first lines that differ, as a short unified diff."""
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    diff = difflib.unified_diff(
        current.splitlines(), wanted.splitlines(), f"{name} (as it is)", f"{name} (generated)", lineterm=""
    )
    return "\n".join(list(diff)[:40])


def run(names: list[str], *, check: bool) -> int:
    """Generate the parts named; with `check`, write nothing and return 1 when any is stale."""
    stale = 0
    for name in names:
        path, make = PARTS[name]
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        wanted = make(current)
        if wanted == current:
            continue
        if check:
            stale += 1
            print(difference(path, current, wanted), file=sys.stderr)
            print(f"{path.relative_to(ROOT)} is stale: run {COMMAND} {name}", file=sys.stderr)
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if stale else 0


def main(argv: list[str]) -> int:
    check = "--check" in argv
    names = [a for a in argv if a != "--check"]
    unknown = [n for n in names if n not in PARTS]
    if unknown:
        print(f"usage: {COMMAND} [--check] [{' | '.join(PARTS)} ...]", file=sys.stderr)
        return 2
    return run(names or list(PARTS), check=check)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
