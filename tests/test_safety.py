"""Care with data: forget leaves nothing behind; files stay private."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import table_counts

MARKER = "Zanzibar-relapse-7731"


def raw_bytes(db: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            data += path.read_bytes()
    return data


@pytest.mark.sqlite_only("it reads the SQLite file, WAL and FTS index bytes (PostgreSQL: test_team.py)")
@pytest.mark.also_sqlite_url
def test_forget_leaves_no_trace_in_the_file_wal_or_index(kg, clock, db_path) -> None:
    kg(
        "add",
        "Quentin Quaxley",
        "--alias",
        "Quaxers",
        "--email",
        "quentin@example.org",
        "--phone",
        "07700 900555",
        "--note",
        f"{MARKER} in his own words",
        "--tag",
        "walking",
    )
    kg("add", "Ann Lee")
    for i in range(30):
        kg(
            "log",
            "quentin",
            "--via",
            "phone",
            "--note",
            f"{MARKER} call {i}",
            "--follow-up",
            f"{MARKER} task {i}",
        )
    kg("log", "quentin", "ann", "--via", "cuppa", "--note", "Quentin Quaxley and Ann planned the fair")
    kg("edit", "ann", "--note", "Met through Quaxers at the hub")
    assert MARKER.encode() in raw_bytes(db_path)
    out = kg("forget", "quentin", "--yes").stdout
    assert "Forgot Quentin Quaxley: 30 conversations and 30 follow-ups erased" in out
    assert "removed from 1 group conversation;" in out
    data = raw_bytes(db_path)
    for secret in (MARKER, "Quentin", "Quaxley", "Quaxers", "quentin@example.org", "900555"):
        assert secret.encode() not in data, secret
        assert secret.encode("utf-16-le") not in data, secret
    ann = json.loads(kg("show", "ann", "--json").stdout)
    assert ann["note"] == "Met through [someone] at the hub"
    (group,) = ann["conversations"]
    assert group["with"] == [] and group["note"] == "[someone] and Ann planned the fair"
    assert json.loads(kg("search", "quentin", "--json").stdout) == []
    assert json.loads(kg("search", "Zanzibar", "--json").stdout) == []
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("INSERT INTO search_text (search_text) VALUES ('integrity-check')")


def test_forget_asks_first_and_needs_yes_off_a_terminal(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    before = table_counts(db_path)
    result = kg("forget", "sam", expect=2)
    assert "--yes" in result.stderr
    assert table_counts(db_path) == before
    assert "No one called" in kg("forget", "nobody", "--yes", expect=1).stderr


def names(kg, db: str | None = None) -> list[str]:
    args = ["people", "--all", "--json"] + (["--db", db] if db else [])
    return sorted(p["name"] for p in json.loads(kg(*args).stdout))


@pytest.mark.sqlite_only("backups copy the SQLite file; a server's backups are pg_dump's job")
def test_backup_is_a_private_consistent_copy_with_retention(kg, db_path, tmp_path, clock) -> None:
    import stat

    kg("add", "Sam Okafor")
    out = kg("backup").stdout
    made = Path(out.split("Backed up to ", 1)[1].strip().rstrip("."))
    assert made.parent == db_path.parent / "backups"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600 and stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert names(kg, str(made)) == ["Sam Okafor"]
    for _ in range(3):
        clock.advance(seconds=1)  # a backup is named for the moment it is made
        kg("backup", "--keep", "2")
    assert len(list(made.parent.glob("*.db"))) == 2
    explicit = tmp_path / "copy.db"
    kg("backup", str(explicit))
    assert names(kg, str(explicit)) == ["Sam Okafor"]
    assert "already exists" in kg("backup", str(explicit), expect=1).stderr


@pytest.mark.sqlite_only("backups copy the SQLite file; a server's backups are pg_dump's job")
def test_restore_brings_a_backup_back_and_keeps_the_present(kg, db_path, tmp_path) -> None:
    kg("add", "Ann Lee")
    saved = tmp_path / "saved.db"
    kg("backup", str(saved))
    kg("add", "Bob Marsh")
    assert "--yes" in kg("restore", str(saved), expect=2).stderr
    out = kg("restore", str(saved), "--yes").stdout
    assert names(kg) == ["Ann Lee"]
    safety = Path(out.split("saved at ", 1)[1].strip().rstrip("."))
    assert names(kg, str(safety)) == ["Ann Lee", "Bob Marsh"]


@pytest.mark.sqlite_only("backups copy the SQLite file; a server's backups are pg_dump's job")
def test_a_copy_that_fails_says_so_and_leaves_no_file(kg, db_path, tmp_path, monkeypatch) -> None:
    from keepgoing.errors import StoreError
    from keepgoing.storage import backup as backups

    kg("add", "Ann Lee")
    saved = tmp_path / "saved.db"
    kg("backup", str(saved))

    def broken_copy(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    def files() -> set[Path]:  # beside the store's own (its -wal and -shm come and go)
        return {p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(db_path.name)}

    before = files()
    monkeypatch.setattr(backups, "_copy", broken_copy)
    with pytest.raises(StoreError, match=r"^The backup failed \(disk I/O error\); nothing was kept\.$"):
        backups.backup_to(db_path, tmp_path / "second.db")
    with pytest.raises(StoreError, match=r"^The restore failed \(disk I/O error\); nothing was changed\.$"):
        backups.restore(saved, tmp_path / "elsewhere" / "new.db")
    assert files() == before


@pytest.mark.sqlite_only("backups copy the SQLite file; a server's backups are pg_dump's job")
def test_restore_refuses_a_damaged_backup(kg, db_path, tmp_path) -> None:
    kg("add", "Ann Lee")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"junk" * 500)
    before = table_counts(db_path)
    assert "cannot be restored" in kg("restore", str(bad), "--yes", expect=1).stderr
    assert table_counts(db_path) == before


@pytest.mark.sqlite_only("check reads the SQLite file; a server checks itself")
def test_check_reports_and_never_writes(kg, db_path) -> None:
    kg("add", "Ann Lee")
    assert "All well" in kg("check").stdout
    assert json.loads(kg("check", "--json").stdout)["ok"] is True
    for i in range(50):
        kg("log", "ann", "--via", "phone", "--note", f"note {i} " * 20)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db_path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = b"\xa5" * 4096  # one page in the middle, overwritten
    db_path.write_bytes(bytes(data))
    damaged = db_path.read_bytes()
    result = kg("check", expect=1)
    assert "Problems in" in result.stdout
    assert json.loads(kg("check", "--json", expect=1).stdout)["ok"] is False
    assert db_path.read_bytes() == damaged


@pytest.mark.sqlite_only("check reads the SQLite file; a server checks itself")
def test_check_spots_a_newer_schema(kg, db_path) -> None:
    kg("add", "Ann Lee")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    assert "newer keepgoing" in kg("check", expect=1).stdout


def test_retention_lists_then_erases_or_anonymises(kg, clock, db_path) -> None:
    kg("add", "Ann Lee")
    kg("log", "ann", "--via", "phone", "--when", "2023-01-10", "--note", f"{MARKER} old")
    kg("log", "ann", "--via", "phone", "--when", "2024-06-01", "--note", "middling")
    kg("log", "ann", "--via", "phone", "--note", "recent")
    before = table_counts(db_path)
    out = kg("retention", "--older-than", "2y", "--dry-run").stdout
    assert "2 conversations from before" in out and "Dry run" in out
    assert table_counts(db_path) == before
    assert "--yes" in kg("retention", "--older-than", "2y", expect=2).stderr
    kg("retention", "--older-than", "3y", "--mode", "anonymise", "--yes")
    notes = [c["note"] for c in json.loads(kg("show", "ann", "--json").stdout)["conversations"]]
    assert notes == ["recent", "middling", None]
    assert MARKER.encode() not in raw_bytes(db_path)
    kg("retention", "--older-than", "2y", "--yes")
    assert [c["note"] for c in json.loads(kg("show", "ann", "--json").stdout)["conversations"]] == ["recent"]
    assert "nothing to do" in kg("retention", "--older-than", "2y").stdout


def test_a_migration_is_preceded_by_a_backup(kg, tmp_path) -> None:
    import shutil

    fixture = Path(__file__).parent / "fixtures" / "schema" / "0001_initial.db"
    old = tmp_path / "old" / "store.db"
    old.parent.mkdir()
    shutil.copy(fixture, old)
    assert "Sam Okafor" in names(kg, str(old))
    (copy,) = (old.parent / "backups").glob("store-*-before-*.db")
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"


def test_a_sqlite_url_store_backs_up_like_a_path(kg, tmp_path) -> None:
    # A sqlite:/// URL is a local file like any path (issue 13), so it backs up.
    url = f"sqlite:///{tmp_path / 'url.db'}"
    kg("add", "Sam Okafor", "--db", url)  # a read (backup) never makes a named store: a first save does
    assert "Backed up to" in kg("backup", "--db", url).stdout
