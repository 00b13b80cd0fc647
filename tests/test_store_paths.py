"""The local store file and the paths that name it (issues 19 and 20).

Nothing is changed through a link, nothing but a store file is opened as one
(and nothing hangs on a FIFO), odd paths and file names reach the file they
name, outputs replace files only, a read works on a full disk, and a store
named by --db or KEEPGOING_DB is made only by a command that saves.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from test_faults import _fsize_limit, keepgoing

LOCAL = pytest.mark.sqlite_only("the local store file and its paths")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def one_line(result) -> str:
    """The command's only line on stderr (never a traceback, never an internal problem)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal problem" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


# 1. Never a change through a link


@LOCAL
def test_a_store_that_is_a_link_to_another_file_never_changes_that_file(kg, tmp_path) -> None:
    target = tmp_path / "passwd"
    target.write_text("root:x:0:0:root:/root:/bin/bash\n")
    target.chmod(0o644)
    link = tmp_path / "link.db"
    link.symlink_to(target)
    line = one_line(kg("people", "--db", str(link), expect=1))
    assert "not a keepgoing store" in line
    assert mode(target) == 0o644
    assert target.read_text() == "root:x:0:0:root:/root:/bin/bash\n"


@LOCAL
@pytest.mark.parametrize("companion", ["-wal", "-shm"])
def test_a_link_beside_the_store_is_refused_and_its_target_left_alone(
    kg, tmp_path, new_store, companion
) -> None:
    store = tmp_path / "mine.db"
    shutil.copyfile(new_store, store)
    store.chmod(0o644)  # a store keepgoing would make private
    target = tmp_path / "elsewhere"
    target.write_text("not SQLite's")
    target.chmod(0o644)
    Path(f"{store}{companion}").symlink_to(target)
    line = one_line(kg("people", "--db", str(store), expect=1))
    assert f"mine.db{companion} is a link" in line
    assert mode(target) == 0o644 and target.read_text() == "not SQLite's"
    assert mode(store) == 0o644  # nothing was changed before the refusal


@LOCAL
def test_a_store_through_a_link_is_read_and_the_link_target_keeps_its_mode(kg, tmp_path, new_store) -> None:
    real = tmp_path / "real.db"
    shutil.copyfile(new_store, real)
    real.chmod(0o640)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    kg("add", "Sam Okafor", "--db", str(link))
    assert "Sam Okafor" in kg("people", "--db", str(link)).stdout
    assert mode(real) == 0o640


# 2. What is not a store says what it is, at once


@LOCAL
@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("/dev/zero", "is a device"),
        ("/dev/full", "is a device"),
        ("/proc/self/status", "not a keepgoing store"),
    ],
)
def test_devices_and_proc_files_are_named_for_what_they_are(kg, where, said) -> None:
    if not os.path.exists(where):
        pytest.skip(f"no {where} here")
    line = one_line(kg("people", "--db", where, expect=1))
    assert said in line
    assert "empty file" not in line and "newer" not in line


@LOCAL
def test_a_fifo_as_the_store_is_refused_without_waiting(tmp_path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    result = subprocess.run(
        [*keepgoing(), "people", "--db", str(fifo)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    line = one_line(result)
    assert "FIFO" in line and "empty file" not in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@LOCAL
def test_restoring_into_a_fifo_is_refused_without_waiting(kg, tmp_path) -> None:
    kg("add", "Sam Okafor")
    saved = tmp_path / "saved.db"
    kg("backup", str(saved))
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    result = subprocess.run(
        [*keepgoing(), "restore", str(saved), "--db", str(fifo), "--yes"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1 and "FIFO" in one_line(result)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@LOCAL
def test_another_applications_alembic_database_is_named_as_such(kg, tmp_path) -> None:
    other = tmp_path / "recipes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('3f2a1b9c8d7e')")
    conn.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    for command in (["people"], ["add", "Sam Okafor"]):
        line = one_line(kg(*command, "--db", str(other), expect=1))
        assert "another application's database" in line and "newer" not in line
    checked = kg("check", "--db", str(other), expect=1).stdout
    assert "another application's database" in checked and "newer" not in checked
    kg("add", "Sam Okafor")
    refused = one_line(kg("restore", str(other), "--yes", expect=1))
    assert "another application's database" in refused and "newer" not in refused
    assert other.read_bytes() == before


# 3. `..` above the root


@LOCAL
def test_paths_that_climb_above_the_root_reach_the_file_they_name(kg, tmp_path) -> None:
    climbing = "/" + "../" * 30 + str(tmp_path).lstrip("/") + "/../" + tmp_path.name + "/climbed.db"
    kg("add", "Sam Okafor", "--db", climbing)
    assert (tmp_path / "climbed.db").is_file()
    assert "Sam Okafor" in kg("people", "--db", climbing).stdout
    missing = f"keepgoing-test-{os.getpid()}-{tmp_path.name}.db"
    line = one_line(kg("people", "--db", f"/../../x/../../{missing}", expect=1))
    assert f"There is no keepgoing store at /{missing}" in line


# 4. --force replaces files only


@LOCAL
@pytest.mark.parametrize("command", ["export", "report"])
def test_force_never_replaces_a_fifo_or_a_device(kg, tmp_path, command) -> None:
    kg("add", "Sam Okafor")
    fifo = tmp_path / ("pipe.json" if command == "export" else "pipe.html")
    os.mkfifo(fifo)
    line = one_line(kg(command, "--output", str(fifo), "--force", expect=1))
    assert "FIFO" in line and "not a file" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not list(tmp_path.glob(".pipe.*"))  # no half-written file left beside it
    line = one_line(kg(command, "--output", "/dev/null", "--force", expect=1))
    assert "device" in line
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


# 5. Reading on a full disk


@LOCAL
def test_reading_commands_work_when_nothing_can_be_written(tmp_path) -> None:
    db = tmp_path / "full.db"
    for args in (
        ["add", "Sam Okafor", "--every", "1w"],
        ["log", "sam", "--via", "phone", "--note", "A cuppa"],
    ):
        subprocess.run([*keepgoing(), *args, "--db", str(db)], check=True, capture_output=True)
    assert not Path(f"{db}-shm").exists()  # the last connection closed: the next one makes it anew
    limit = 8192  # smaller than the index file (-shm) SQLite makes beside a store on its first read
    runs = {
        name: subprocess.run(
            [*keepgoing(), *args, "--db", str(db)],
            capture_output=True,
            text=True,
            preexec_fn=_fsize_limit(limit),
            timeout=60,
        )
        for name, args in {
            "people": ["people", "--json"],
            "due": ["due", "--json", "--within", "30d"],
            "export": ["export"],
        }.items()
    }
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr)
    assert [p["name"] for p in json.loads(runs["people"].stdout)] == ["Sam Okafor"]
    assert [p["name"] for p in json.loads(runs["due"].stdout)["people"]] == ["Sam Okafor"]
    assert json.loads(runs["export"].stdout)["conversations"][0]["note"] == "A cuppa"
    logged = subprocess.run(
        [*keepgoing(), "log", "sam", "--via", "phone", "--db", str(db)],
        capture_output=True,
        text=True,
        preexec_fn=_fsize_limit(limit),
        timeout=60,
    )
    assert logged.returncode == 1 and "Nothing was saved" in one_line(logged)


# 6. File names with #, ? and %


def _files_but_sidecars(folder: Path) -> list[str]:
    """The files in a folder, leaving out SQLite's -wal/-shm/-journal, which come and go with
    connections (the test's own store keeps one open or not, depending on what ran before)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm", "-journal")))


@LOCAL
@pytest.mark.parametrize("name", ["a#b.db", "b%41.db", "c?mode=rw.db", "d e.db"])
def test_a_backup_with_any_file_name_can_be_restored(kg, tmp_path, name) -> None:
    kg("add", "Sam Okafor")
    saved = tmp_path / name
    kg("backup", str(saved))
    before = _files_but_sidecars(tmp_path)
    fresh = tmp_path / "fresh.db"
    kg("restore", str(saved), "--db", str(fresh), "--yes")
    assert _files_but_sidecars(tmp_path) == sorted([*before, "fresh.db"])  # no stray "a"
    assert "Sam Okafor" in kg("people", "--db", str(fresh)).stdout
    assert mode(fresh) == 0o600


@LOCAL
def test_completion_reads_a_store_whose_name_has_a_percent(tmp_path, new_store, monkeypatch) -> None:
    from keepgoing.storage import completion, open_store

    store_path = tmp_path / "s%41.db"
    shutil.copyfile(new_store, store_path)
    (tmp_path / "sA.db").write_bytes(b"")  # what an unquoted address would open instead
    from datetime import UTC, datetime

    from keepgoing.core.people import add_person

    store = open_store(str(store_path))
    add_person(store, "Sam Okafor", now=datetime(2026, 11, 20, 10, tzinfo=UTC))
    store.close()
    monkeypatch.setenv("KEEPGOING_DB", str(store_path))
    assert completion.people("Sa") == ["Sam Okafor"]


@LOCAL
def test_completion_on_a_fifo_offers_nothing_without_waiting(tmp_path) -> None:
    import sys

    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-c", "from keepgoing.storage import completion; print(completion.people('Sa'))"],
        env={**os.environ, "KEEPGOING_DB": str(fifo)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_there_is_one_builder_of_read_only_sqlite_addresses() -> None:
    source = Path(__file__).resolve().parent.parent / "src" / "keepgoing"
    built = [
        path.relative_to(source).as_posix()
        for path in source.rglob("*.py")
        if "mode=ro" in path.read_text(encoding="utf-8")
    ]
    assert built == ["storage/store.py"]


def test_there_is_one_atomic_private_write() -> None:
    source = Path(__file__).resolve().parent.parent / "src" / "keepgoing"
    renaming = [
        path.relative_to(source).as_posix()
        for path in source.rglob("*.py")
        if "os.replace(" in path.read_text(encoding="utf-8")
    ]
    assert renaming == ["locations.py"]


# 7. Only a command that saves makes a named store


READS = [
    ["people"],
    ["due"],
    ["show", "sam"],
    ["export"],
    ["report"],
    ["stats"],
    ["search", "allotment"],
    ["check"],
    ["followups"],
    ["wins"],
    ["ideas"],
    ["group", "list"],
    ["backup"],
    ["forget", "sam", "--dry-run"],
    ["spread", "--over", "2w", "--dry-run"],
    ["retention", "--older-than", "2y", "--dry-run"],
]


@LOCAL
@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("how", ["--db", "KEEPGOING_DB"])
def test_a_read_or_a_dry_run_never_makes_a_named_store(kg, tmp_path, monkeypatch, command, how) -> None:
    typo = tmp_path / "typo" / "typo.db"
    if how == "--db":
        result = kg(*command, "--db", str(typo), expect=1)
    else:
        monkeypatch.setenv("KEEPGOING_DB", str(typo))
        result = kg(*command, expect=1)
    assert one_line(result).startswith(f"Error: There is no keepgoing store at {typo}")
    assert not typo.parent.exists()


@LOCAL
def test_an_import_dry_run_makes_no_store(kg, tmp_path) -> None:
    kg("add", "Sam Okafor")
    backup = tmp_path / "backup.json"
    kg("export", "--output", str(backup))
    dry = tmp_path / "dry.db"
    result = kg("import", str(backup), "--db", str(dry), "--dry-run", expect=1)
    assert "There is no keepgoing store at" in one_line(result)
    assert not dry.exists()
    kg("import", str(backup), "--db", str(dry))
    assert "Sam Okafor" in kg("people", "--db", str(dry)).stdout


@LOCAL
@pytest.mark.parametrize(
    "command",
    [["add", "Sam Okafor"], ["log", "Sam Okafor", "--new", "--via", "phone"], ["win", "The hub opened"]],
    ids=lambda c: c[0],
)
def test_a_command_that_saves_makes_a_named_store(kg, tmp_path, command) -> None:
    made = tmp_path / "new" / "new.db"
    kg(*command, "--db", str(made))
    assert made.is_file() and mode(made) == 0o600 and mode(made.parent) == 0o700


@LOCAL
def test_the_default_store_is_made_by_any_command_and_the_welcome_says_where(
    kg, tmp_path, monkeypatch
) -> None:
    from keepgoing.locations import default_store_path

    monkeypatch.delenv("KEEPGOING_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    where = default_store_path()
    assert str(where).startswith(str(tmp_path)) and not where.exists()
    for command in ("people", "due"):
        out = kg(command).stdout
        assert "Welcome to keepgoing" in out and f"Your store is {where}" in " ".join(out.split())
    assert where.is_file()
