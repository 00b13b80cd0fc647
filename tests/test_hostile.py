"""Hostile files and the edges of erasure (issue 11): each reproduction of the probe, as a test.

No import can break a store, no input makes keepgoing hang or use unbounded
memory, no erasure leaves a trace, no secret or escape leaks to the screen.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fingerprint, stored


def _export(path: Path, people: list, conversations: list, **more) -> Path:
    path.write_text(
        json.dumps({"format_version": 2, "people": people, "conversations": conversations, **more})
    )
    return path


def _refused(kg, db_path, path: Path, *needles: str) -> str:
    """Import `path`: exit 1, one line naming the file, the store exactly as it was."""
    kg("due")  # the store exists before its fingerprint is taken
    before = fingerprint(db_path)
    result = kg("import", str(path), expect=1)
    assert result.stderr.count("\n") == 1, result.stderr
    assert path.name in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert fingerprint(db_path) == before
    return result.stderr


# --- dates: one rule from every path -------------------------------------------------


@pytest.mark.parametrize(
    "when",
    ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00", "1899-12-31T12:00:00+00:00", "2201-01-01"],
)
def test_an_import_date_outside_what_log_accepts_is_refused(kg, db_path, tmp_path, when) -> None:
    kg("add", "Ann")
    path = _export(
        tmp_path / "old.json",
        [{"id": 1, "name": "Old Timer"}],
        [{"id": 1, "when": when, "person_ids": [1]}],
    )
    _refused(kg, db_path, path, "conversation 1", "keepgoing")
    assert "outside" in kg("log", "ann", "--when", "1 Jan 1899", expect=1).stderr


def test_a_person_created_in_year_one_is_refused_too(kg, db_path, tmp_path) -> None:
    path = _export(tmp_path / "p.json", [{"id": 1, "name": "Ann", "created_at": "0001-01-01T00:00:00"}], [])
    _refused(kg, db_path, path, "person 1", "outside the dates")


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("1 Jan 0001", "1900 to 2200"),
        ("1 Jan 0099", "1900 to 2200"),
        ("Jan 1 0050", "1900 to 2200"),
        ("1/1/1", "write the year in full"),
    ],
)
def test_a_year_is_never_guessed(kg, typed, why) -> None:
    kg("add", "Ann")
    assert why in kg("log", "ann", "--when", typed, expect=1).stderr


def test_a_two_digit_year_is_still_read(kg) -> None:
    kg("add", "Ann")
    assert "Fri 20 Nov 2026" in kg("log", "ann", "--when", "20/11/26").stdout


@pytest.mark.sqlite_only("writes a damaged value into the SQLite file, as an older version could")
def test_a_store_damaged_by_an_older_version_can_still_be_read_checked_and_exported(kg, isolated) -> None:
    kg("add", "Ann Lee")
    kg("log", "ann", "--note", "hello there")
    conn = sqlite3.connect(isolated)
    conn.execute("UPDATE conversation SET occurred_at = '0001-01-01 00:00:00.000000'")
    conn.execute("UPDATE person SET last_contact_at = '0001-01-01 00:00:00.000000'")
    conn.commit()
    conn.close()
    kg("due")
    kg("due", "--json")
    for args in (["show", "ann"], ["people"], ["search", "hello"], ["stats"], ["people", "--json"]):
        result = kg(*args)
        assert "could not be read" in result.stderr and "keepgoing check" in result.stderr, args
    exported = json.loads(kg("export").stdout)
    assert exported["conversations"][0]["when"].startswith("1900-01-01")
    check = kg("check", expect=1).stdout
    assert "conversation 1: occurred_at '0001-01-01" in check
    assert "person 1: last_contact_at" in check
    kg("retention", "--older-than", "1y", "--yes")
    kg("forget", "ann", "--yes")


# --- import integrity ----------------------------------------------------------------------


def test_a_conversation_with_nobody_is_refused(kg, db_path, tmp_path) -> None:
    path = _export(
        tmp_path / "nobody.json",
        [{"id": 1, "name": "Ann"}],
        [{"id": 1, "when": "2026-11-01T10:00:00+00:00", "note": "secret", "person_ids": []}],
    )
    _refused(kg, db_path, path, "conversation 1", "at least one person")


def test_two_people_with_one_id_are_refused(kg, db_path, tmp_path) -> None:
    path = _export(
        tmp_path / "twins.json",
        [{"id": 1, "name": "Ann"}, {"id": 1, "name": "Bob"}],
        [{"id": 1, "when": "2026-11-01T10:00:00+00:00", "person_ids": [1]}],
    )
    _refused(kg, db_path, path, "person 2", "id 1 is used by an earlier person")


def test_a_name_that_is_a_list_is_refused(kg, db_path, tmp_path) -> None:
    path = _export(tmp_path / "list.json", [{"id": 1, "name": ["a"]}], [])
    _refused(kg, db_path, path, "person 1", "the name must be text")


def test_a_nul_is_refused_in_every_file_and_on_the_command_line(kg, db_path, tmp_path) -> None:
    path = _export(
        tmp_path / "nul.json",
        [{"id": 1, "name": "Ann"}],
        [{"id": 1, "when": "2026-11-01T10:00:00+00:00", "note": "a\u0000b", "person_ids": [1]}],
    )
    _refused(kg, db_path, path, "conversation 1", "NUL")
    (tmp_path / "nul.csv").write_text("name,note\nAnn,a\u0000b\n")
    _refused(kg, db_path, tmp_path / "nul.csv", "line 2", "NUL")


def test_a_bare_carriage_return_in_a_csv_is_refused(kg, db_path, tmp_path) -> None:
    (tmp_path / "cr.csv").write_bytes(b"name,note\r\nAnn Lee,first part\rBob\r\n")
    _refused(kg, db_path, tmp_path / "cr.csv", "line 2", "carriage return")


def test_a_duplicated_csv_column_is_refused(kg, db_path, tmp_path) -> None:
    (tmp_path / "dup.csv").write_text("name,email,e-mail\nAnn,a@example.org,b@example.org\n")
    _refused(kg, db_path, tmp_path / "dup.csv", "line 1", "email, e-mail")


def test_numbers_too_long_to_read_are_refused(kg, db_path, tmp_path) -> None:
    path = tmp_path / "big.json"
    path.write_text(
        '{"format_version": 2, "people": [{"id": 1, "name": "A", "cadence_days": ' + "9" * 5000 + "}]}"
    )
    _refused(kg, db_path, path)


# --- resources: special files, nesting, long lines, memory ---------------------------------

KEEPGOING = [sys.executable, "-m", "keepgoing"]


# A small go-between forks keepgoing and reports its peak memory. Measured from here, a child
# would carry the test worker's own peak: Linux counts the memory a process had before exec.
MEASURE = """
import json, os, resource, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "keepgoing", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
with open(os.environ["PEAK_OUT"], "w") as out:
    json.dump(usage.ru_maxrss, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _run(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 30
) -> tuple[subprocess.CompletedProcess, float]:
    """Run keepgoing in a child process; its result and its own peak memory in MB."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        peak_file = os.path.join(folder, "peak.json")
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {}), "PEAK_OUT": peak_file},
        )
        with open(peak_file) as handle:
            peak = json.load(handle)
    return result, peak / 1024


@pytest.mark.sqlite_only("special files and memory are about the process, not the store")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_named_like_an_import_file_is_refused_at_once(isolated, tmp_path, device) -> None:
    for suffix in (".json", ".csv", ".vcf"):
        link = tmp_path / f"x{suffix}"
        link.unlink(missing_ok=True)
        link.symlink_to(device)
        started = time.monotonic()
        result, _ = _run(["import", str(link)])
        assert result.returncode == 1 and "not a regular file" in result.stderr
        assert time.monotonic() - started < 20


@pytest.mark.sqlite_only("special files are about the process, not the store")
def test_a_fifo_never_hangs_import_or_config(isolated, tmp_path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result, _ = _run(["import", str(fifo)], timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stderr
    result, _ = _run(["due"], env={"KEEPGOING_CONFIG": str(fifo)}, timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stderr
    result, _ = _run(["due"], env={"KEEPGOING_CONFIG": "/dev/zero"}, timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stderr


MEMORY_CAP_MB = 256


@pytest.mark.sqlite_only("memory is about the process, not the store")
@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("[" * 100_000, "no format_version"),
        ('{"format_version": 2, "people": ' + "[" * 600_000 + "]", "list of objects"),
        ('{"format_version": 2, "people": [{"name": "a", "note": ' + "[" * 600_000 + "}]}", "levels deep"),
        (
            '{"format_version": 2, "people": [{"name": "a", "note": "' + "x" * (20 * 1024**2) + '"}]}',
            "longer than",
        ),
        ('{"format_version": 2, "' + "k" * 5000 + '": 1}', "key longer"),
    ],
    ids=["top-level nesting", "nested section", "nested value", "one long line", "long key"],
)
def test_hostile_json_is_refused_within_bounded_memory(isolated, tmp_path, content, why) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content)
    result, peak = _run(["import", str(path)])
    assert result.returncode == 1 and why in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert peak < MEMORY_CAP_MB, f"{peak:.0f} MB"


@pytest.mark.sqlite_only("memory is about the process, not the store")
@pytest.mark.parametrize("suffix", [".json", ".csv", ".vcf"])
def test_a_huge_file_of_zeros_is_refused_within_bounded_memory(isolated, tmp_path, suffix) -> None:
    path = tmp_path / f"zeros{suffix}"
    with path.open("wb") as handle:
        handle.truncate(1536 * 1024**2)  # sparse: 1.5 GB of NUL bytes, no disk used
    result, peak = _run(["import", str(path)], timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert peak < MEMORY_CAP_MB, f"{peak:.0f} MB"
    big = tmp_path / f"big{suffix}"
    with big.open("wb") as handle:
        handle.truncate(3 * 1024**3)
    result, _ = _run(["import", str(big)])
    assert result.returncode == 1 and "more than" in result.stderr


@pytest.mark.sqlite_only("a config file is about the process, not the store")
def test_a_huge_config_file_is_refused(isolated, tmp_path) -> None:
    config = tmp_path / "huge.toml"
    with config.open("wb") as handle:
        handle.truncate(50 * 1024**2)
    result, peak = _run(["due"], env={"KEEPGOING_CONFIG": str(config)})
    assert result.returncode == 1 and "more than" in result.stderr
    assert peak < MEMORY_CAP_MB


# --- erasure that is complete ---------------------------------------------------------------


def test_retention_anonymise_drops_the_feeling_too(kg, db_path, clock) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--when", "2024-01-05", "--wellbeing", "2", "--feeling", "desperate", "--note", "x")
    kg("retention", "--older-than", "1y", "--mode", "anonymise", "--yes")
    assert stored(db_path, "SELECT note, wellbeing, feeling, logged_by FROM conversation") == [
        (None, None, None, None)
    ]


def test_retention_erase_takes_the_follow_ups_and_ideas_made_in_those_conversations(kg, db_path) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--when", "2024-01-05", "--follow-up", "old promise", "--idea", "old idea")
    kg("log", "ann", "--when", "2026-11-01", "--follow-up", "new promise")
    kg("retention", "--older-than", "1y", "--mode", "erase", "--yes")
    assert stored(db_path, "SELECT text FROM follow_up") == [("new promise",)]
    assert stored(db_path, "SELECT count(*) FROM idea") == [(0,)]
    exported = kg("export").stdout
    assert "old promise" not in exported and "old idea" not in exported
    assert json.loads(kg("show", "ann", "--json").stdout)["last_contact"].startswith("2026-11-01")


def test_forget_finds_every_spelling_and_the_contact_details(kg, db_path) -> None:
    kg("add", "Zoë Brown", "--phone", "+44 7700 900123", "--email", "Zoe.Brown@example.org")
    kg("add", "Priya Shah")
    kg("log", "priya", "--note", "zoe said hi; ZOË's bus pass; brown's form; ring 07700 900 123")
    kg(
        "log",
        "priya",
        "--note",
        "or 0770-090-0123 or zoe.brown@EXAMPLE.org",
        "--follow-up",
        "Email zoe.brown@example.org",
    )
    kg("win", "Zoë and Priya ran the stall", "--with", "zoe", "--with", "priya")
    kg("win", "Zoë spoke at the board", "--with", "zoe")
    kg("forget", "zoe", "--yes")
    notes = [n for (n,) in stored(db_path, "SELECT note FROM conversation ORDER BY id")]
    assert notes == [
        "[someone] said hi; [someone]'s bus pass; [someone]'s form; ring [someone]",
        "or [someone] or [someone]",
    ]
    assert stored(db_path, "SELECT text FROM follow_up") == [("Email [someone]",)]
    assert stored(db_path, "SELECT text FROM win") == [("[someone] and Priya ran the stall",)]


@pytest.mark.sqlite_only("backups are files beside a local store")
def test_a_killed_backups_partial_file_is_reported_and_cleaned_up(kg, isolated, clock) -> None:
    kg("add", "Ann")
    kg("backup")
    folder = isolated.parent / "backups"
    partial = folder / ".store-20261120-100000.db.partial"
    partial.write_bytes(b"a full copy of the notes")
    old = time.time() - 3600
    os.utime(partial, (old, old))
    assert "half-written backup" in kg("check", expect=1).stdout
    clock.advance(seconds=1)  # a backup is named for the moment it is made
    kg("backup")
    assert not partial.exists()
    kg("check")


# --- leaks and small crashes -------------------------------------------------------------------


def test_a_password_in_the_query_string_is_never_shown(kg, tmp_path) -> None:
    url = "postgresql://h/x?password=S3CRET&sslmode=require"
    result = kg("config", "db", url)
    assert "S3CRET" not in result.stdout + result.stderr
    for args in (["config"], ["config", "--json"], ["config", "db"]):
        out = kg(*args, expect=None)
        assert "S3CRET" not in out.stdout + out.stderr, args
    from keepgoing.storage import mask_url

    assert (
        mask_url("postgresql://u:pw@h:5/x?passwd=a&pass=b") == "postgresql://u:***@h:5/x?passwd=***&pass=***"
    )


def test_exports_to_a_terminal_cannot_drive_it_but_files_keep_the_text(kg, tmp_path, monkeypatch) -> None:
    kg("add", "Ann")
    kg(
        "log",
        "ann",
        "--note",
        "clip \x1b]52;c;ZXZpbA==\x07 clear \x1b[2J",
        "--follow-up",
        "x\x1b[2Jy",
        "--due",
        "friday",
    )
    monkeypatch.setattr("keepgoing.cli.output.to_terminal", lambda: True)
    for fmt in ("csv", "ics"):
        assert "\x1b" not in kg("export", "--format", fmt).stdout, fmt
    kg("export", "--output", str(tmp_path / "exact.csv"))
    assert "\x1b]52;" in (tmp_path / "exact.csv").read_text(encoding="utf-8-sig")


def test_numbers_beyond_any_id_are_a_clear_error(kg) -> None:
    for args in (
        ["done", "99999999999999999999"],
        ["idea", "99999999999999999999", "--status", "parked"],
        ["amend", "99999999999999999999", "--note", "x"],
        ["followup", "99999999999999999999", "--cancel"],
    ):
        result = kg(*args, expect=1)
        assert "internal problem" not in result.stderr, args


@pytest.mark.sqlite_only("writes to /dev/full, a property of the machine")
def test_output_that_cannot_be_written_is_one_line(isolated, tmp_path) -> None:
    env = {"KEEPGOING_DB": str(isolated), "KEEPGOING_CONFIG": str(tmp_path / "c.toml")}
    subprocess.run([*KEEPGOING, "add", "Ann"], env={**os.environ, **env}, check=True, capture_output=True)
    for args in (["export"], ["due"], ["people"], ["due", "--json"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [*KEEPGOING, *args], stdout=full, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
            )
        assert result.returncode == 1, args
        assert result.stderr.count("\n") == 1 and "No space left" in result.stderr, (args, result.stderr)


def test_sqlite_uri_forms_are_refused_clearly(kg, tmp_path) -> None:
    result = kg("--db", f"file:{tmp_path}/m.db?mode=memory", "due", expect=1)
    assert "not a plain file path" in result.stderr
    assert "no options" in kg("--db", "sqlite:///:memory:", "due", expect=1).stderr


@pytest.mark.parametrize("name", ["So\u00adfia", "Sam\u180e", "Sa\u200bm", "Ann\ufeff"])
def test_invisible_characters_in_names_are_refused(kg, name) -> None:
    assert "invisible ones" in kg("add", name, expect=1).stderr


def test_a_mixed_script_name_that_copies_someone_is_warned(kg) -> None:
    kg("add", "Sam")
    result = kg("add", "\u0405am")  # Cyrillic Ѕ
    assert "mixes alphabets" in result.stderr and "looks just like Sam" in result.stderr
    assert "mixes alphabets" not in kg("add", "Zoë Ng").stderr


@pytest.mark.sqlite_only("a symlink is a property of the file system")
def test_a_dangling_store_link_says_so(kg, tmp_path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "gone.db")
    assert "which does not exist" in kg("--db", str(link), "due", expect=1).stderr


@pytest.mark.sqlite_only("a read-only mount of a local store")
def test_a_store_on_read_only_media_can_be_read(kg, isolated, tmp_path) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--note", "on a stick")
    source, mount = tmp_path / "src", tmp_path / "ro"
    source.mkdir()
    mount.mkdir()
    kg("backup", str(source / "store.db"))  # a self-contained copy, as one would put on a stick
    if subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here (not root, or no mount namespace)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], check=True, capture_output=True)
        store = str(mount / "store.db")
        assert "on a stick" in kg("--db", store, "show", "ann").stdout
        kg("--db", store, "due")
        assert "read-only" in kg("--db", store, "log", "ann", expect=1).stderr
    finally:
        # Lazily: the in-process runs may still hold the file open.
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.sqlite_only("folder modes of the config file")
def test_config_creates_its_folders_owner_only(kg, tmp_path, monkeypatch) -> None:
    config = tmp_path / "deep" / "er" / "config.toml"
    monkeypatch.setenv("KEEPGOING_CONFIG", str(config))
    old = os.umask(0o022)
    try:
        kg("config", "date_order", "dmy")
    finally:
        os.umask(old)
    for folder in (tmp_path / "deep", tmp_path / "deep" / "er"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700", folder


# --- the import fuzz: dates from anywhere in a datetime's range --------------------------------


@pytest.mark.sqlite_only("a fuzz of the file reader; the date rule itself runs on both stores above")
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([None, UTC]),
    )
)
def test_any_date_in_an_import_is_kept_or_refused_never_a_crash(kg, isolated, tmp_path, moment) -> None:
    from keepgoing.storage.date_encoding import EARLIEST, LATEST

    kg("due")
    before = fingerprint(isolated)
    path = _export(
        tmp_path / "dates.json",
        [{"id": 1, "name": "Fuzz Person"}],
        [{"id": 1, "when": moment.isoformat(), "person_ids": [1]}],
    )
    result = kg("import", str(path), "--dry-run", expect=None)
    inside = EARLIEST <= moment.date() <= LATEST
    if inside and result.exit_code == 0:
        return
    assert result.exit_code == 1, result.stderr
    assert "conversation 1" in result.stderr
    assert not inside or moment.year in (1900, 2200)  # the edges may fall either side once in UTC
    assert fingerprint(isolated) == before
