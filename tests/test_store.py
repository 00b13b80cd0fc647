"""The store: where it lives, who can read it, how it is opened and migrated."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from keepgoing.errors import StoreError
from keepgoing.storage import open_store
from keepgoing.storage.revisions import HEAD, REVISIONS

FIXTURES = Path(__file__).parent / "fixtures" / "schema"

# These tests are about building and migrating the store: Alembic runs every time (conftest).
pytestmark = pytest.mark.real_migrations


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_created_private_migrated_and_in_wal(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "store.db"
    old = os.umask(0o022)
    try:
        store = open_store(str(path))
        with store.write():
            store.run(
                "INSERT INTO conversation (occurred_at, via, created_at) VALUES (:a, 'phone', :a)",
                {"a": "2026-11-20 10:00:00.000000"},
            )
        assert mode(path.parent) == 0o700
        assert mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            sidecar = Path(f"{path}{suffix}")
            if sidecar.exists():
                assert mode(sidecar) == 0o600
        assert store.row("PRAGMA journal_mode")[0] == "wal"
        assert store.row("PRAGMA foreign_keys")[0] == 1
        assert store.row("PRAGMA busy_timeout")[0] >= 5000
        assert store.row("SELECT version_num FROM alembic_version")[0] == HEAD
        store.close()
    finally:
        os.umask(old)
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".new")]


def test_an_existing_store_opened_loosely_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    open_store(str(path)).close()
    path.chmod(0o644)
    open_store(str(path)).close()
    assert mode(path) == 0o600


def test_foreign_keys_cascade(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    with pytest.raises(sqlite3.IntegrityError), store.write():
        store.run("INSERT INTO alias (person_id, alias, alias_key) VALUES (999, 'x', 'x')")


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    with pytest.raises(RuntimeError), store.write():
        store.run(
            "INSERT INTO conversation (occurred_at, via, created_at) VALUES (:a, 'phone', :a)",
            {"a": "2026-11-20 10:00:00.000000"},
        )
        raise RuntimeError("boom")
    assert store.row("SELECT count(*) FROM conversation")[0] == 0


def test_revisions_match_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "keepgoing.storage:migrations")
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [HEAD]
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(ordered) == REVISIONS


def test_migrated_schema_matches_the_sqlmodel_classes(tmp_path: Path) -> None:
    """The models are the one definition: the migrations must build exactly them."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from keepgoing.storage.models import metadata

    path = tmp_path / "s.db"
    open_store(str(path)).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        # The FTS5 search index (migration 0002) is derived data, not a model.
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _: (
                    not (name or "").startswith(("search_text", "search_more"))
                ),
            },
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    # SQLAlchemy cannot read ON DELETE from an inline REFERENCES (SQLite's only way
    # to add a foreign key to an existing table, migrations 0003 and 0011); PRAGMA can.
    inline = [
        d
        for d in differences
        if d[0] in ("remove_fk", "add_fk") and d[1].table.name in ("conversation", "idea")
    ]
    assert len(inline) in (0, 2, 4)
    assert [d for d in differences if d not in inline] == []
    conn = sqlite3.connect(path)
    fks = conn.execute("PRAGMA foreign_key_list(conversation)").fetchall()
    assert [(fk[2], fk[3], fk[6]) for fk in fks] == [("community_group", "group_id", "SET NULL")]
    fks = conn.execute("PRAGMA foreign_key_list(idea)").fetchall()
    assert ("community_group", "group_id", "SET NULL") in [(fk[2], fk[3], fk[6]) for fk in fks]


def test_newer_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer keepgoing"):
        open_store(str(path))
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_bytes(b"this is not a database at all" * 100), "not a keepgoing store|damaged"),
        (lambda p: p.mkdir(), "folder"),
    ],
)
def test_files_that_are_not_stores_give_a_clear_error(tmp_path: Path, setup, message: str) -> None:
    path = tmp_path / "s.db"
    setup(path)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StoreError, match=message):
        open_store(str(path))
    if before is not None:
        assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a keepgoing store"):
        open_store(str(path))
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["recipes"]


def test_a_truncated_store_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError):
        store = open_store(str(path))
        store.rows("SELECT * FROM person")
        store.rows("SELECT * FROM follow_up")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file, so permissions cannot be tested")
def test_an_unreadable_store_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    path.chmod(0)
    with pytest.raises(StoreError, match="permission"):
        open_store(str(path))


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.db")))
def test_every_released_schema_opens_and_keeps_its_rows(tmp_path: Path, fixture: str) -> None:
    path = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, path)
    before = sqlite3.connect(path)
    counts = {
        table: before.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("person", "conversation", "follow_up", "alias", "person_tag")
    }
    before.close()
    assert counts["person"] > 0 and counts["conversation"] > 0
    store = open_store(str(path))
    assert store.row("SELECT version_num FROM alembic_version")[0] == HEAD
    for table, count in counts.items():
        assert store.row(f"SELECT count(*) FROM {table}")[0] == count
    store.close()


def test_there_is_a_fixture_for_every_released_schema() -> None:
    assert {p.stem for p in FIXTURES.glob("*.db")} == set(REVISIONS)


def test_a_sqlite_url_is_the_same_local_store_as_its_path(tmp_path: Path) -> None:
    from keepgoing.storage.store import SqliteStore

    store = open_store(f"sqlite:///{tmp_path / 'url.db'}")
    assert isinstance(store, SqliteStore) and store.location == str(tmp_path / "url.db")
    assert store.row("SELECT version_num FROM alembic_version")["version_num"] == HEAD
    store.close()


def test_the_default_store_lives_in_the_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    from keepgoing.locations import default_store_path

    monkeypatch.delenv("KEEPGOING_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data" / "keepgoing" / "keepgoing.db"
    store = open_store()
    store.close()
    assert mode(tmp_path / "data" / "keepgoing") == 0o700
    assert mode(default_store_path()) == 0o600


FAILING_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "9999_broken"
down_revision = "{head}"


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE person SET name = 'changed'")
    raise RuntimeError("this migration fails part-way")
"""


def test_a_failing_migration_leaves_the_old_schema_and_data(tmp_path: Path) -> None:
    import keepgoing.storage.migrations as migrations
    from keepgoing.storage.migrate import upgrade_sqlite

    scripts = tmp_path / "scripts"
    shutil.copytree(Path(migrations.__file__).parent, scripts)
    (scripts / "versions" / "9999_broken.py").write_text(FAILING_MIGRATION.replace("{head}", HEAD))
    path = tmp_path / "s.db"
    shutil.copy(FIXTURES / "0001_initial.db", path)
    before = sqlite3.connect(path).execute("SELECT name FROM person ORDER BY id").fetchall()
    with pytest.raises(RuntimeError, match="part-way"):
        upgrade_sqlite(path, scripts=str(scripts))
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
    assert conn.execute("SELECT name FROM person ORDER BY id").fetchall() == before
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables
    assert "search_text" not in tables  # the good migration before it was rolled back too


def test_an_unreadable_store_gives_a_clear_error_even_as_root(tmp_path: Path, monkeypatch) -> None:
    """Root reads any file, and CI runs as root, so the refusal is simulated at os.access."""
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode))
    with pytest.raises(StoreError, match="permission denied"):
        open_store(str(path))
    assert path.read_bytes() == before


def test_migrated_schema_matches_the_sqlmodel_classes_on_postgresql(postgres) -> None:
    """The same migrations build exactly the models on a server too (types compared)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from keepgoing.storage.models import metadata

    url = postgres.create()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
        postgres.drop(url)
