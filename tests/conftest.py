"""Every test gets its own store, config and clock; no test sleeps or reads the real time."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
    from keepgoing import settings
    from keepgoing.cli.app import state

    settings._config.cache_clear()
    state["db"] = None
    return db


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("keepgoing.clock.now", fake.now)
    return fake


@pytest.fixture
def db_path(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def kg() -> Callable[..., object]:
    """Run keepgoing in-process through the real Typer app; never a traceback."""
    from keepgoing.cli import app

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


def table_counts(db: Path) -> dict[str, int]:
    """Rows in every table: the fingerprint tests use to prove nothing was written."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()
