"""Every test gets its own store, config and clock; no test sleeps or reads the real time.

Every test that runs keepgoing (the `kg` or `db_path` fixtures) runs twice:
on a SQLite file, and on a fresh PostgreSQL database when
KEEPGOING_TEST_POSTGRES names a server (`scripts/with-postgres pytest` starts
one); without a server the PostgreSQL runs skip, saying why. Tests about the
SQLite file itself (permissions, corruption, WAL, kill -9) are marked
`sqlite_only`.

No test waits for Alembic: each worker migrates one SQLite template and one
PostgreSQL template database through the real code, and every new store in a
test is a copy of them (its own file, owner-only; its own database). Tests of
building and migrating the store itself are marked `real_migrations`.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# First calls import dateutil or open a store: no per-example deadline, so timing never fails a test.
settings.register_profile("keepgoing", deadline=None)
settings.load_profile("keepgoing")

# A UK user, so that local dates and day-first reading are what our users see.
os.environ["TZ"] = "Europe/London"
time.tzset()

# Friday 20 November 2026, 10:00 in London (GMT).
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.moment = START

    def now(self) -> datetime:
        return self.moment

    def advance(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)

    def set(self, moment: datetime) -> None:
        self.moment = moment


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "store.db"
    monkeypatch.setenv("KEEPGOING_DB", str(db))
    monkeypatch.setenv("KEEPGOING_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("COLUMNS", "160")
    for name in ("KEEPGOING_DATE_ORDER", "KEEPGOING_DEBUG", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    from keepgoing import locations, settings

    locations.config_values.cache_clear()
    settings.use_team_login(None)
    return db


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("keepgoing.clock.now", fake.now)
    return fake


PG = os.environ.get("KEEPGOING_TEST_POSTGRES")  # postgresql+psycopg://user@host:port (no database)
NO_SERVER = "no PostgreSQL server: run `scripts/with-postgres pytest`, or set KEEPGOING_TEST_POSTGRES"


def _build_the_app_once() -> None:
    """Typer's test runner builds the whole Click command tree on every invoke (~40 ms for
    our ~50 commands, thousands of times a run). The tree does not change: build it once."""
    import typer.testing

    build = typer.testing._get_command
    built: dict[int, Any] = {}

    def once(app: Any) -> Any:
        if id(app) not in built:
            built[id(app)] = build(app)
        return built[id(app)]

    typer.testing._get_command = once  # type: ignore[assignment]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the cores. A worker spends about a third of its time
    waiting (on the real processes it starts, the PostgreSQL server, a kill test's pause), and
    the extra one runs meanwhile: on 2 cores the suite took 167 s with 3 workers, 194 s with 2."""
    return len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1


def pytest_configure(config: pytest.Config) -> None:
    _build_the_app_once()
    config.addinivalue_line("markers", "sqlite_only(why): a test of the SQLite file itself")
    config.addinivalue_line("markers", "postgresql_only(why): a test that only means something on a server")
    config.addinivalue_line(
        "markers", "also_sqlite_url: run once more with the store named by a sqlite:/// URL"
    )
    config.addinivalue_line("markers", "sqlite_url_only: run with the store named by a sqlite:/// URL only")
    config.addinivalue_line(
        "markers", "over_tcp(why): on PostgreSQL, always over TCP (never the Unix socket)"
    )
    config.addinivalue_line(
        "markers", "real_migrations: every new SQLite store in this test is built by Alembic, not copied"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    uses_store = {"kg", "db_path"} & set(metafunc.fixturenames)
    if not uses_store:
        return
    marked = metafunc.definition.get_closest_marker
    if marked("sqlite_url_only"):
        kinds = ["sqlite-url"]
    elif marked("sqlite_only"):
        kinds = ["sqlite"]
    elif marked("postgresql_only"):
        kinds = ["postgresql"]
    else:
        kinds = ["sqlite", "postgresql"]
    if marked("also_sqlite_url"):
        # The same file through a sqlite:/// URL must behave exactly as through a path (issue 13).
        kinds.insert(1, "sqlite-url")
    if kinds != ["sqlite"]:
        metafunc.parametrize("backend", kinds, indirect=True)


class PostgresServer:
    """Fresh databases on the test server, each copied from one migrated template."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.url = url
        self.admin = create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT")
        self.template: str | None = None
        with self.admin.connect() as conn:
            from sqlalchemy import text

            version = int(conn.execute(text("SHOW server_version_num")).scalar())
        self.strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""

    def _sql(self, statement: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(statement))

    def create(self, *, migrated: bool = True) -> str:
        name = f"kg_{uuid.uuid4().hex[:12]}"
        if not migrated:
            self._sql(f"CREATE DATABASE {name}{self.strategy}")
            return f"{self.url}/{name}"
        if self.template is None:
            from keepgoing.storage import open_store

            template = f"kg_template_{uuid.uuid4().hex[:8]}"
            self._sql(f"CREATE DATABASE {template}{self.strategy}")
            open_store(f"{self.url}/{template}").close()
            self.template = template
        # FILE_COPY (PostgreSQL 15+) copies the template's few files instead of logging every block.
        self._sql(f"CREATE DATABASE {name} TEMPLATE {self.template}{self.strategy}")
        return f"{self.url}/{name}"

    def drop(self, url: str) -> None:
        self._sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def close(self) -> None:
        if self.template:
            self.drop(f"{self.url}/{self.template}")
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> object:
    if not PG:
        pytest.skip(NO_SERVER)
    server = PostgresServer(PG)
    yield server
    server.close()


@pytest.fixture
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which database keepgoing runs on in this test; on PostgreSQL, KEEPGOING_DB is its URL."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite-url":
        monkeypatch.setenv("KEEPGOING_DB", f"sqlite:///{request.getfixturevalue('isolated')}")
    if kind == "postgresql":
        server = request.getfixturevalue("postgres")
        url = server.create()
        tcp = request.node.get_closest_marker("over_tcp") is not None
        monkeypatch.setenv("KEEPGOING_DB", url if tcp else over_a_transport(url, request.node.nodeid))
        keep_engine(url)

        def drop() -> None:
            forget_engine(url)
            server.drop(url)

        request.addfinalizer(drop)
        request.node.keepgoing_db = url
    return kind


PG_SOCKET = os.environ.get("KEEPGOING_TEST_POSTGRES_SOCKET")  # postgresql:///?host=DIR&port=P&user=U


def over_a_transport(url: str, test: str) -> str:
    """The address keepgoing is given for a test database: over TCP for half the tests, over
    the server's Unix socket (libpq's `postgresql:///NAME?host=DIR` form) for the other half,
    chosen by the test's name, so the PostgreSQL pass covers both without running twice.
    The test's own helpers keep the TCP URL (`db_path`)."""
    import zlib

    if not PG_SOCKET or zlib.crc32(test.encode()) % 2:
        return url
    name = url.rsplit("/", 1)[1]
    return PG_SOCKET.replace(":///?", f":///{name}?", 1)


@pytest.fixture
def db_path(isolated: Path, backend: str, request: pytest.FixtureRequest) -> Path | str:
    """Where this test's store is: a file path, or on PostgreSQL a database URL."""
    return request.node.keepgoing_db if backend == "postgresql" else isolated


REAL: dict[str, Any] = {}  # keepgoing's own functions, kept before any test replaces them


def real_upgrade_sqlite() -> Any:
    from keepgoing.storage import migrate

    return REAL.setdefault("upgrade_sqlite", migrate.upgrade_sqlite)


@pytest.fixture(scope="session")
def new_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated store file, made once per test process (each xdist worker) by the
    real code, Alembic and all: copied into place, it is the store a user has after their
    first `keepgoing add` (a command that only reads never makes one)."""
    from keepgoing import storage

    path = tmp_path_factory.mktemp("new-store") / "store.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("keepgoing.storage.migrate.upgrade_sqlite", real_upgrade_sqlite())
        storage.open_store(str(path)).close()
    assert not os.path.exists(f"{path}-wal"), "the template must be whole in its one file"
    return path


@pytest.fixture(autouse=True)
def migrated_by_copy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new SQLite store is made in a test by copying the migrated template into the empty
    file `open_store` builds it in (0.0025 s), not by running every migration (0.4 s).

    Only the Alembic step is replaced, and only for a brand-new, empty, unencrypted file
    and keepgoing's own migrations: making the file (owner-only, linked into place when
    complete), opening it and upgrading an existing store all run for real. Tests of the
    migrations themselves are marked `real_migrations` and run Alembic every time.
    """
    if request.node.get_closest_marker("real_migrations"):
        return
    import shutil

    from keepgoing.storage import migrate

    real = real_upgrade_sqlite()

    def upgrade_sqlite(path: Path | str, scripts: str = migrate.SCRIPTS, *, creator: Any = None) -> None:
        if (
            scripts == migrate.SCRIPTS
            and creator is None
            and os.path.isfile(path)
            and not os.path.getsize(path)
        ):
            shutil.copyfile(request.getfixturevalue("new_store"), path)  # into the file: its mode stays
            return
        real(path, scripts, creator=creator)

    monkeypatch.setattr(migrate, "upgrade_sqlite", upgrade_sqlite)


def copy_new_store(template: Path, path: Path) -> Path:
    """Put an empty, migrated store at `path`, owner-only (0600), as a first save leaves it."""
    import shutil

    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def kg(backend: str, isolated: Path, new_store: Path) -> Callable[..., object]:
    """Run keepgoing in-process through the real Typer app; never a traceback.

    The test's store exists, empty, as if made by a first command that saves:
    reading commands never create a store named by KEEPGOING_DB.
    """
    from keepgoing.cli import app

    if backend != "postgresql" and not os.path.lexists(isolated):
        copy_new_store(new_store, isolated)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, expect: int | None = 0) -> object:
        result = runner.invoke(app, list(args), input=input)
        assert "Traceback" not in result.output, result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if expect is not None:
            assert result.exit_code == expect, (result.exit_code, result.stdout, result.stderr)
        return result

    return run


_ENGINES: dict[str, Any] = {}  # the engine kept for each test's own database (`backend`)


def keep_engine(url: str) -> None:
    """The tests' own helpers that look inside the store (`stored`, `fingerprint`, ...) share one
    engine for the test's database: some tests call them hundreds of times, and a new engine
    costs a new server session and its password exchange each time (~20 ms). Its connection
    goes back to the pool rolled back, so no transaction or lock outlives a call (an erasure
    waits for older snapshots on the server: an idle session holds none)."""
    from sqlalchemy import create_engine

    _ENGINES[url] = create_engine(url, pool_size=1, max_overflow=4)


def forget_engine(url: str) -> None:
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _connect(url: str) -> tuple[Any, Callable[[], None]]:
    """(connection, close): through the kept engine for a test's own database, else a fresh one."""
    if url in _ENGINES:
        conn = _ENGINES[url].connect()
        return conn, conn.close
    from sqlalchemy import create_engine

    engine = create_engine(url)
    conn = engine.connect()

    def close() -> None:
        conn.close()
        engine.dispose()

    return conn, close


def table_counts(db: Path | str) -> dict[str, int]:
    """Rows in every table: the fingerprint tests use to prove nothing was written."""
    if isinstance(db, str) and "://" in db:
        from sqlalchemy import inspect, text

        conn, close = _connect(db)
        try:
            names = inspect(conn).get_table_names()
            return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() for name in names}
        finally:
            close()
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


def _tables(db: Path | str) -> tuple[Callable[[str], list[tuple]], Callable[[], None]]:
    """(run a query -> rows, close) on either kind of store, for looking inside it."""
    if isinstance(db, str) and "://" in db:
        from sqlalchemy import text

        conn, close = _connect(db)
        return (lambda sql: [tuple(r) for r in conn.execute(text(sql))]), close
    conn = sqlite3.connect(db)
    return (lambda sql: conn.execute(sql).fetchall()), conn.close


def fingerprint(db: Path | str) -> str:
    """A digest of every row in every table (the search index aside): equal means nothing changed."""
    import hashlib

    query, close = _tables(db)
    try:
        digest = hashlib.sha256()
        names = sorted(n for n in table_names(db, query) if not n.startswith(("search_text", "search_more")))
        if isinstance(db, str) and "://" in db:
            # One round trip for every table, each row as its text form (some tests take hundreds).
            rows = query(" UNION ALL ".join(f"SELECT '{n}', CAST(x AS text) FROM \"{n}\" x" for n in names))
            for row in sorted(rows):
                digest.update(repr(row).encode())
            return digest.hexdigest()
        for name in names:
            for row in sorted(query(f'SELECT * FROM "{name}"'), key=repr):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        close()


def table_names(db: Path | str, query: Callable[[str], list[tuple]]) -> list[str]:
    """Every table, read through an open connection (no reflection: a fingerprint is taken often)."""
    if isinstance(db, str) and "://" in db:
        return [r[0] for r in query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
    return [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table'")]


def schema_of(db: Path | str) -> dict[str, list[str]]:
    """Every table and its columns."""
    if isinstance(db, str) and "://" in db:
        from sqlalchemy import inspect

        conn, close = _connect(db)
        try:
            inspector = inspect(conn)
            return {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}
        finally:
            close()
    query, close = _tables(db)
    try:
        names = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: [r[1] for r in query(f'PRAGMA table_info("{name}")')] for name in names}
    finally:
        close()


def stored(db: Path | str, sql: str) -> list[tuple]:
    """Rows of a query run straight on the store, to check what was really written."""
    query, close = _tables(db)
    try:
        return query(sql)
    finally:
        close()


def generator() -> Any:
    """scripts/generate.py as a module (scripts/ is not a package)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
