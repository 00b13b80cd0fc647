"""Fuzzing the CLI itself: any text, in any argument of any command.

Exit status is always 0, 1 or 2; never a traceback; never an escape sequence
from the input in the output; never a changed store when the exit is not 0.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import fingerprint
from keepgoing.cli import app

# Text that people (and their terminals, and their clipboards) produce.
nasty = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "--",
            "[bold]x[/]",
            "\x1b[31mred",
            "\x1b]0;t\x07",
            "\x9b2J",
            "\u202eevil",
            "' OR 1=1 --",
            "%",
            "_",
            "😀",
            "\x00",
            "a\nb",
            "x" * 5000,
            "\udcff",
            "-h",
            "--help",
        ]
    ),
)

COMMANDS = {
    "add": lambda v: [
        ["add", v],
        ["add", "X", "--org", v],
        ["add", "X", "--every", v],
        ["add", "X", "--prefers", v],
        ["add", "X", "--email", v],
        ["add", "X", "--phone", v],
        ["add", "X", "--tag", v],
        ["add", "X", "--alias", v],
        ["add", "X", "--note", v],
    ],
    "log": lambda v: [
        ["log", v],
        ["log", "ann", "--via", v],
        ["log", "ann", "--when", v],
        ["log", "ann", "--note", v],
        ["log", "ann", "--wellbeing", v],
        ["log", "ann", "--follow-up", v, "--due", v],
        ["log", v, "--new", "--via", "phone"],
    ],
    "due": lambda v: [
        ["due", "--within", v],
        ["due", "--tag", v],
        ["due", "--limit", v],
        ["due", "--worker", v],
    ],
    "people": lambda v: [["people", "--tag", v], ["people", "--worker", v]],
    "handover": lambda v: [
        ["handover", "--from", v, "--to", "priya", "--dry-run"],
        ["handover", "--from", "alex", "--to", v, "--dry-run"],
        ["handover", "--from", "alex", "--to", "priya", "--tag", v, "--dry-run"],
    ],
    "show": lambda v: [["show", v]],
    "edit": lambda v: [
        ["edit", v, "--role", "x"],
        ["edit", "ann", "--name", v],
        ["edit", "ann", "--every", v],
        ["edit", "ann", "--untag", v],
        ["edit", "ann", "--unalias", v],
        ["edit", "ann", "--note", v],
        ["edit", "ann", "--worker", v],
        ["edit", "ann", "--if-version", v, "--role", "x"],
    ],
    "pause": lambda v: [["pause", "ann", "--until", v], ["pause", v, "--until", "next week"]],
    "resume": lambda v: [["resume", v]],
    "archive": lambda v: [["archive", v]],
    "followups": lambda v: [["followups", v]],
    "done": lambda v: [["done", v]],
    "export": lambda v: [
        ["export", "--format", v],
        ["export", "--since", v],
        ["export", "--tag", v],
        ["export", "--person", v],
    ],
    "import": lambda v: [["import", v]],
    "stats": lambda v: [["stats", "--since", v], ["stats", "--by", v], ["stats", "--tag", v]],
    "search": lambda v: [["search", v]],
    "forget": lambda v: [["forget", v]],
    "retention": lambda v: [
        ["retention", "--older-than", v, "--dry-run"],
        ["retention", "--older-than", "2y", "--mode", v],
    ],
    "backup": lambda v: [["backup", "--keep", v]],
}


@pytest.fixture
def populated(kg):
    kg("add", "Ann Lee", "--tag", "walking", "--worker", "alex")
    kg("add", "Bob Marsh")
    kg("log", "ann", "--via", "phone", "--note", "hello", "--follow-up", "call back")


def check_any_argument(db_path, command: str, value: str) -> None:
    runner = CliRunner()
    for args in COMMANDS[command](value):
        before = fingerprint(db_path)
        result = runner.invoke(app, args)
        output = result.stdout + result.stderr
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, output)
        assert "Traceback" not in output, (args, output)
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), (args, repr(result.exception))
        for control in ("\x1b", "\x9b", "\x07", "\x00", "\u202e"):
            assert control not in output, (args, output)
        if result.exit_code != 0:
            assert fingerprint(db_path) == before, args


FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@pytest.mark.sqlite_only("the same fuzzing, with fewer examples, runs on PostgreSQL below")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=30, **FUZZ)
@given(value=nasty)
def test_any_argument_is_handled(populated, db_path, command: str, value: str) -> None:
    check_any_argument(db_path, command, value)


@pytest.mark.postgresql_only("each example costs a server round trip or ten")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=6, **FUZZ)
@given(value=nasty)
def test_any_argument_is_handled_on_postgresql(populated, db_path, command: str, value: str) -> None:
    check_any_argument(db_path, command, value)


@pytest.mark.sqlite_url_only
@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=5, **FUZZ)
@given(value=nasty)
def test_any_argument_is_handled_through_a_sqlite_url(populated, db_path, command: str, value: str) -> None:
    """The store named by a sqlite:/// URL is the same local store as its path (issue 13)."""
    check_any_argument(db_path, command, value)
