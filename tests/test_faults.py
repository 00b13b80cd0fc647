"""Fault injection: killed writers, a full disk, garbage input. Nothing lost, nothing leaked.

Rounds are kept small for CI; set KEEPGOING_HEAVY_TESTS=1 for the full counts
(25 kill rounds each) before a release.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import schema_of, stored
from keepgoing.storage.revisions import HEAD

HEAVY = bool(os.environ.get("KEEPGOING_HEAVY_TESTS"))
KILL_ROUNDS = 25 if HEAVY else 4
FIXTURES = Path(__file__).parent / "fixtures" / "schema"


def keepgoing() -> list[str]:
    found = shutil.which("keepgoing", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    assert found
    return [found]


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("person", "conversation")
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> tuple[Path, int]:
    """A keepgoing JSON export with enough conversations that importing it takes a while."""
    people, conversations = 300, 12_000 if not HEAVY else 40_000
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rng = random.Random(3)
    data = {
        "format_version": 1,
        "people": [
            {"id": i, "name": f"Person Number {i:04d}", "cadence_days": 14} for i in range(1, people + 1)
        ],
        "conversations": [
            {
                "id": i,
                "when": (start + timedelta(minutes=37 * i)).isoformat(),
                "via": rng.choice(["phone", "cuppa", "email"]),
                "note": "A natter about the allotment and the hub " * 3,
                "person_ids": [rng.randint(1, people)],
            }
            for i in range(1, conversations + 1)
        ],
        "follow_ups": [],
    }
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps(data))
    return path, conversations


def _store_with_one_person(db: Path) -> Path:
    """A store holding one person, made in this process (a copy of the migrated template):
    the real processes below are the import, the kill and the check, not the set-up."""
    from keepgoing.core.people import add_person
    from keepgoing.storage import open_store

    store = open_store(str(db))
    add_person(store, "Already Here", now=datetime(2026, 11, 20, 10, tzinfo=UTC))
    store.close()
    return db


def test_kill_9_during_a_large_import_leaves_all_or_nothing(big_export, tmp_path) -> None:
    path, size = big_export
    base = _store_with_one_person(tmp_path / "base.db")
    timing = tmp_path / "timing.db"
    shutil.copy(base, timing)  # timed on the store each round starts from, so the kill points span its run
    started = time.monotonic()
    subprocess.run([*keepgoing(), "import", str(path), "--db", str(timing)], check=True, capture_output=True)
    duration = time.monotonic() - started
    for round_number in range(KILL_ROUNDS):
        db = tmp_path / f"round{round_number}.db"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [*keepgoing(), "import", str(path), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Kill points spread evenly over the run (and just past its end), the same every time.
        time.sleep(0.05 + (duration * 1.1 - 0.05) * (round_number + 0.5) / KILL_ROUNDS)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check = subprocess.run([*keepgoing(), "check", "--db", str(db)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
        found = counts(db)
        assert found["conversation"] in (0, size), found
        assert found["person"] in (1, 301), found
        assert (found["conversation"] == size) == (found["person"] == 301)


def _fsize_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_during_a_write_changes_nothing(big_export, tmp_path) -> None:
    path, _ = big_export
    db = _store_with_one_person(tmp_path / "small.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = counts(db)
    limit = db.stat().st_size + 256 * 1024
    result = subprocess.run(
        [*keepgoing(), "import", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        preexec_fn=_fsize_limit(limit),
        timeout=120,
    )
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "full" in result.stderr or "write" in result.stderr.lower()
    assert counts(db) == before
    note = "x" * 19_000
    for _ in range(3):
        logged = subprocess.run(
            [*keepgoing(), "log", "already", "--via", "phone", "--note", note, "--db", str(db)],
            capture_output=True,
            text=True,
            preexec_fn=_fsize_limit(db.stat().st_size + 8192),
        )
        assert logged.returncode in (0, 1) and "Traceback" not in logged.stderr
    assert counts(db)["person"] == 1


def _old_store_with_history(tmp_path: Path, conversations: int) -> Path:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "0001_initial.db", db)
    conn = sqlite3.connect(db)
    start = conn.execute("SELECT max(id) FROM conversation").fetchone()[0] + 1
    conn.executemany(
        "INSERT INTO conversation (id, occurred_at, via, note, created_at) VALUES (?, ?, 'phone', ?, ?)",
        [
            (i, "2025-01-01 10:00:00.000000", f"old note {i} about the garden", "2025-01-01 10:00:00.000000")
            for i in range(start, start + conversations)
        ],
    )
    conn.executemany(
        "INSERT INTO conversation_person (conversation_id, person_id) VALUES (?, 1)",
        [(i,) for i in range(start, start + conversations)],
    )
    conn.commit()
    conn.close()
    return db


def test_kill_9_during_migration_leaves_the_old_or_the_new_schema(tmp_path) -> None:
    size = 60_000 if not HEAVY else 200_000
    template = _old_store_with_history(tmp_path, size)
    expected = counts(template)
    timing = tmp_path / "timing.db"
    shutil.copy(template, timing)
    started = time.monotonic()
    subprocess.run([*keepgoing(), "people", "--json", "--db", str(timing)], check=True, capture_output=True)
    duration = time.monotonic() - started
    for round_number in range(KILL_ROUNDS):
        db = tmp_path / f"m{round_number}.db"
        shutil.copy(template, db)
        proc = subprocess.Popen(
            [*keepgoing(), "people", "--json", "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.02 + (duration - 0.02) * (round_number + 0.5) / KILL_ROUNDS)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(db)
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == "0001_initial":
            assert "search_text" not in tables
        else:
            assert version == HEAD  # all pending migrations run in one transaction
            indexed = conn.execute("SELECT count(*) FROM search_text").fetchone()[0]
            assert indexed == expected["conversation"] + expected["person"]
        conn.close()
        assert counts(db) == expected
        for partial in (db.parent / "backups").glob("*.db") if (db.parent / "backups").exists() else []:
            assert counts(partial)["conversation"] == expected["conversation"]  # never a half-made backup


def test_sql_injection_is_just_text_and_the_schema_is_unchanged(kg, db_path) -> None:
    kg("add", "Someone")
    schema = schema_of(db_path)
    attacks = [
        "'; DROP TABLE person; --",
        '" OR 1=1 --',
        "Robert'); DELETE FROM conversation;--",
        "1; ATTACH DATABASE '/tmp/x.db' AS x; --",
        "%' OR '1'='1",
    ]
    for attack in attacks:
        kg("add", attack, expect=None)
        kg("log", "someone", "--via", "phone", "--note", attack)
        kg("search", attack, expect=None)
        kg("show", attack, expect=None)
    assert schema_of(db_path) == schema
    assert [r[0] for r in stored(db_path, "SELECT note FROM conversation ORDER BY id")] == attacks


def test_every_file_keepgoing_writes_is_private_under_umask_022(tmp_path) -> None:
    import stat

    folder = tmp_path / "data"
    env = {**os.environ, "KEEPGOING_DB": str(folder / "store.db")}

    def run(*args: str) -> None:
        subprocess.run(
            [*keepgoing(), *args],
            env=env,
            check=True,
            capture_output=True,
            preexec_fn=lambda: os.umask(0o022),
        )

    run("add", "Sam Okafor")
    run("log", "sam", "--via", "phone", "--note", "hello")
    run("backup")
    run("backup", str(tmp_path / "explicit.db"))
    run("export", "--output", str(tmp_path / "out.json"))
    run("export", "--format", "csv", "--output", str(tmp_path / "out.csv"))
    written = [p for p in folder.rglob("*") if p.is_file()] + list(tmp_path.glob("explicit.db"))
    written += list(tmp_path.glob("out.*"))
    assert len(written) >= 5
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    for path in [folder, folder / "backups"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


def test_export_to_a_full_disk_is_one_line_and_leaves_no_partial_file(tmp_path) -> None:
    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.people import add_person
    from keepgoing.storage import open_store

    db = tmp_path / "store.db"
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    store = open_store(str(db))  # the store is made here; the export is the real process
    add_person(store, "Ann", now=now)
    for minute in range(30):
        at = now - timedelta(minutes=minute)
        log_conversation(store, ["ann"], via="phone", note="x" * 5000, occurred_at=at, now=at)
    store.close()
    out = tmp_path / "export.json"
    result = subprocess.run(
        [*keepgoing(), "export", "--output", str(out), "--db", str(db)],
        capture_output=True,
        text=True,
        preexec_fn=_fsize_limit(64 * 1024),  # the disk fills 64 KB into the 150 KB export
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "Could not write the output" in result.stderr, result.stderr
    assert not out.exists() and not list(tmp_path.glob(".export.json.*"))
