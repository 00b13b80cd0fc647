"""The installed entry point, in real processes: start-up imports, concurrency, files, prompts."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import stored
from keepgoing.storage import open_store

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")

PROBE = """
import json, os, sys
sys.argv = ["keepgoing", *json.loads(os.environ["PROBE_ARGS"])]
from keepgoing.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted(m.split(".")[0] for m in sys.modules), "all": sorted(sys.modules)}, out)
"""


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture
def env(db_path: Path, tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(KEEPGOING_DB=str(db_path), KEEPGOING_CONFIG=str(tmp_path / "config.toml"))
    return environment


@pytest.fixture
def seeded(db_path: Path) -> Path:
    from datetime import UTC, datetime

    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.people import add_person

    now = datetime(2026, 10, 1, tzinfo=UTC)
    store = open_store(str(db_path))
    add_person(store, "Sam Okafor", now=now, cadence_days=7, prefers="phone")
    add_person(store, "Ann Lee", now=now, cadence_days=14)
    log_conversation(store, ["sam"], via="phone", occurred_at=now, now=now, follow_up="minutes")
    store.close()
    return db_path


def entry_point() -> list[str]:
    found = shutil.which("keepgoing", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    assert found, "the keepgoing command is not installed (pip install -e '.[test]')"
    return [found]


def test_the_installed_command_runs(env, seeded) -> None:
    result = run([*entry_point(), "due", "--json"], env)
    assert result.returncode == 0, result.stderr
    assert [p["name"] for p in json.loads(result.stdout)["people"]] == ["Sam Okafor", "Ann Lee"]
    result = run([sys.executable, "-m", "keepgoing", "--version"], env)
    assert result.returncode == 0 and result.stdout.startswith("keepgoing ")


def test_errors_from_a_real_process_are_one_line_without_traceback(env, seeded) -> None:
    result = run([*entry_point(), "log", "nobody", "--via", "phone"], env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    result = run([*entry_point(), "log", "sam", "--when", "blue moon"], env)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_a_real_process_loads_just_its_command_and_still_knows_them_all(env, seeded, db_path) -> None:
    result = run([*entry_point(), "dew"], env)
    assert result.returncode == 2 and "No such command" in result.stderr and "due" in result.stderr
    result = run([*entry_point(), "--db", str(db_path), "due", "--json"], env)
    assert result.returncode == 0 and json.loads(result.stdout)["people"]
    result = run([*entry_point(), "--help"], env)
    assert all(name in result.stdout for name in ("log", "due", "handover", "retention"))


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["due", "--json"], ()),
        (["due"], ("rich",)),
        (["log", "sam", "--via", "phone", "--note", "hello"], ()),
        (["log", "ann", "--via", "cuppa", "--when", "yesterday"], ("dateutil",)),
        (["people"], ("rich",)),
        (["people", "--json"], ()),
        (["show", "sam"], ("rich",)),
        (["show", "sam", "--json"], ()),
        (["followups", "--json"], ()),
        (["followups"], ("rich",)),
        (["done", "1"], ()),
        (["--help"], ()),
        (["log", "--help"], ()),
    ],
)
def test_everyday_commands_stay_off_heavy_imports(env, seeded, tmp_path, args, allowed) -> None:
    """The import budget: SQLAlchemy, SQLModel, pydantic and Alembic never load for these,
    on a team's PostgreSQL store as on a file (its schema is current: one query, psycopg only)."""
    found = probe(args, env, tmp_path)
    loaded = set(found["modules"])
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    for optional in ("rich", "dateutil", "platformdirs"):
        if optional not in allowed:
            assert optional not in loaded, f"{optional} loaded for {args}"
    if args[0] != "--help":  # a command builds only its own module's commands
        from keepgoing.cli.app import COMMANDS

        commands = {
            m
            for m in found["all"]
            if m.startswith("keepgoing.cli.") and m.endswith(("_command", "_commands"))
        }
        assert commands == {COMMANDS[args[0]].module}, commands


def probe(args: list[str], env: dict[str, str], tmp_path: Path) -> dict:
    """What a real `keepgoing ARGS` process ends with: its exit code and every module it loaded."""
    out = tmp_path / "probe.json"
    result = run(
        [sys.executable, "-c", PROBE], {**env, "PROBE_ARGS": json.dumps(args), "PROBE_OUT": str(out)}
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(out.read_text())
    assert found["code"] in (0, None), result.stderr
    return found


@pytest.mark.sqlite_only("a plain store is a local file")
def test_a_plain_store_loads_nothing_of_encryption(env, seeded, tmp_path) -> None:
    """Only an encrypted store needs its key: on a plain one the passphrase's asker is never set up,
    so neither encryption.py, hashlib nor the terminal's prompts load."""
    loaded = set(probe(["due"], env, tmp_path)["all"])
    assert "keepgoing.cli.due_command" in loaded  # it ran the command
    for unwanted in ("keepgoing.storage.encryption", "hashlib", "_hashlib", "keepgoing.cli.prompts"):
        assert unwanted not in loaded, unwanted


@pytest.mark.parametrize("command", [["due"], ["show", "sam"], ["people"]])
def test_screens_that_show_dates_load_none_of_the_typed_date_reader(env, seeded, tmp_path, command) -> None:
    """Writing a date is `date_display`; `dates` (the patterns that read what people type) loads
    only for a command given a date."""
    loaded = set(probe(command, env, tmp_path)["all"])
    assert "keepgoing.date_display" in loaded  # it drew dates
    assert "keepgoing.dates" not in loaded


@pytest.mark.parametrize(
    ("command", "reads_a_date"),
    [
        (["log", "sam", "--via", "phone"], False),
        (["log", "sam", "--via", "phone", "--when", "yesterday"], True),
    ],
)
def test_log_loads_the_date_reader_only_when_a_date_was_typed(
    env, seeded, tmp_path, command, reads_a_date
) -> None:
    loaded = set(probe(command, env, tmp_path)["all"])
    assert "keepgoing.cli.log_command" in loaded  # it ran the command
    assert ("keepgoing.dates" in loaded) is reads_a_date


LOGGER = """
import os, sys
from keepgoing.cli import app
for i in range(int(sys.argv[1])):
    code = app(["log", "sam", "ann", "--via", "phone", "--note", f"{sys.argv[2]} {i}"],
               standalone_mode=False)
    assert code == 0, code
"""


def test_processes_logging_at_once_lose_nothing(env, seeded, db_path, backend) -> None:
    """SQLite: two terminals logging at once. PostgreSQL: a team of four, same people.
    200 logs in all on every run (they contend from the first); KEEPGOING_HEAVY_TESTS=1: 1000."""
    workers = 2 if backend == "sqlite" else 4
    total = 1000 if os.environ.get("KEEPGOING_HEAVY_TESTS") else 200
    rounds = total // workers
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOGGER, str(rounds), tag],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("first", "second", "third", "fourth")[:workers]
    ]
    errors = [proc.communicate(timeout=240)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * workers, errors
    assert not any("locked" in e for e in errors)
    assert stored(db_path, "SELECT count(*) FROM conversation")[0][0] == 1 + total
    assert stored(db_path, "SELECT count(*) FROM conversation_person")[0][0] == 1 + 2 * total
    # Both people's last contact is the newest conversation of all, whoever wrote it last.
    newest = stored(db_path, "SELECT max(occurred_at) FROM conversation")[0][0]
    assert {r[0] for r in stored(db_path, "SELECT last_contact_at FROM person")} == {newest}
    if backend == "sqlite":
        assert stored(db_path, "PRAGMA integrity_check")[0][0] == "ok"


@pytest.mark.sqlite_only(
    "three processes make one new store file: KEEPGOING_DB is a new path, whatever the backend"
)
def test_two_real_commands_on_a_new_store_at_once(env, tmp_path) -> None:
    env = {**env, "KEEPGOING_DB": str(tmp_path / "fresh" / "store.db")}
    procs = [
        subprocess.Popen(
            [*entry_point(), "add", name], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name in ("Ann Lee", "Bob Marsh", "Cy Twombly")
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], results
    listed = run([*entry_point(), "people", "--json"], env)
    assert sorted(p["name"] for p in json.loads(listed.stdout)) == ["Ann Lee", "Bob Marsh", "Cy Twombly"]


@pytest.mark.sqlite_only("the files of a new store file: KEEPGOING_DB is a new path, whatever the backend")
def test_files_are_private_whatever_the_umask(env, tmp_path) -> None:
    folder = tmp_path / "kg-data"
    env = {**env, "KEEPGOING_DB": str(folder / "store.db")}
    result = subprocess.run(
        [*entry_point(), "add", "Sam Okafor"],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o022),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_piped_output_has_no_terminal_codes(env, seeded) -> None:
    for args in (["due"], ["people"], ["show", "sam"], ["--help"]):
        result = run([*entry_point(), *args], env)
        assert result.returncode == 0
        assert "\x1b" not in result.stdout, args


def _read_until(fd: int, needle: str, timeout: float = 20.0) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"never saw {needle!r} in {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
            seen += chunk
    return seen


def test_log_asks_for_what_it_needs_on_a_terminal(env, seeded, db_path) -> None:
    output = _on_a_terminal(
        ["log"],
        env,
        [
            ("Who did you talk to?", b"sam, ann\r"),
            ("How?", b"cuppa\r"),
            ("Anything to note?", b"Chatted about the garden\r"),
            ("How were they, 1 (low) to 5 (great)?", b"six\r"),
            ("Wellbeing is a number", b"4\r"),
            ("How were they feeling", b"hopeful\r"),
            ("Anything you said you would do?", b"Send the minutes\r"),
            ("When by?", b"friday\r"),
            ("Logged", b""),
        ],
    )
    assert "a cuppa with Sam Okafor and Ann Lee" in output
    assert stored(db_path, "SELECT note, wellbeing, feeling FROM conversation ORDER BY id DESC")[0] == (
        "Chatted about the garden",
        4,
        "hopeful",
    )
    assert stored(db_path, "SELECT text FROM follow_up ORDER BY id DESC")[0][0] == "Send the minutes"


def _on_a_terminal(args: list[str], env: dict[str, str], script: list[tuple[str, bytes]]) -> str:
    """Run keepgoing on a pseudo-terminal, answering each prompt in `script`; all it printed."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [*entry_point(), *args],
        env={**env, "COLUMNS": "100"},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    seen = ""
    try:
        for prompt, answer in script:
            seen += _read_until(controller, prompt)
            os.write(controller, answer)
        seen += _read_until(controller, "\n")
        assert proc.wait(timeout=20) == 0, seen
        seen += _read_until(controller, "2026", timeout=5) if "2026" not in seen else ""
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(controller)
    return seen


def test_an_ambiguous_name_is_settled_before_anything_else_is_asked(env, seeded, db_path) -> None:
    store = open_store(str(db_path))
    from datetime import UTC, datetime

    from keepgoing.core.people import add_person

    add_person(store, "Sam Patel", now=datetime(2026, 10, 1, tzinfo=UTC))
    store.close()
    output = _on_a_terminal(
        ["log"],
        env,
        [
            ("Who did you talk to?", b"sam\r"),
            ("Number (1-2", b"2\r"),
            ("How?", b"cuppa\r"),
            ("Anything to note?", b"Tea at the hub\r"),
            ("How were they, 1", b"\r"),  # each skipped with Enter
            ("feeling", b"\r"),
            ("said you would do", b"\r"),
            ("Logged", b""),
        ],
    )
    assert "1. Sam Okafor" in output and "2. Sam Patel" in output
    assert "a cuppa with Sam Patel" in output


def test_an_ambiguous_name_on_the_command_line_offers_a_numbered_choice(env, seeded, db_path) -> None:
    store = open_store(str(db_path))
    from datetime import UTC, datetime

    from keepgoing.core.people import add_person

    add_person(store, "Sam Patel", now=datetime(2026, 10, 1, tzinfo=UTC))
    store.close()
    output = _on_a_terminal(["log", "sam", "--via", "text"], env, [("Number (1-2", b"1\r"), ("Logged", b"")])
    assert "a text with Sam Okafor" in output
