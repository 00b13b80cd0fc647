"""User settings: environment variables first, then an optional config file.

The config file is TOML at `$KEEPGOING_CONFIG`, or `config.toml` in the
platform's user config folder. It is read only when a setting is needed, so
commands that never ask pay nothing for it.

    # ~/.config/keepgoing/config.toml
    date_order = "dmy"   # or "mdy": how to read 03/04/2026
    worker = "alex"      # who you are in a team store (default: your login name)
    db = "postgresql://alex@db.example.org/team"   # the store, when not --db/$KEEPGOING_DB
    due = "mine"         # what plain `keepgoing due` shows: "mine" or "everyone"
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from keepgoing.errors import BadInput

APP_NAME = "keepgoing"


def config_path() -> Path:
    explicit = os.environ.get("KEEPGOING_CONFIG")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


@cache
def _config() -> dict[str, Any]:
    path = config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise BadInput(f"Could not read the config file {path}: {exc.strerror}.") from None
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"The config file {path} is not valid TOML: {exc}.") from None


def dayfirst() -> bool:
    """Whether 03/04/2026 means 3 April (the UK default) rather than 4 March."""
    value = os.environ.get("KEEPGOING_DATE_ORDER") or _config().get("date_order", "dmy")
    value = str(value).strip().lower()
    if value not in ("dmy", "mdy"):
        raise BadInput(f'date_order must be "dmy" or "mdy", not "{value}".')
    return value == "dmy"


def _setting(env: str, key: str) -> str | None:
    value = os.environ.get(env)
    if value is None:
        value = _config().get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"The setting {key} in {config_path()} must be a quoted string.")
    return value.strip() or None


def worker() -> str | None:
    """Who is using keepgoing: recorded on what they log, and what `due --mine` means."""
    from keepgoing.text import worker_key

    chosen = _setting("KEEPGOING_WORKER", "worker")
    if chosen:
        return worker_key(chosen)
    import getpass

    try:
        return worker_key(getpass.getuser())
    except (KeyError, OSError, BadInput):  # no login name in a container, say
        return None


def configured_db() -> str | None:
    """The store named in the config file (after --db and $KEEPGOING_DB)."""
    value = _config().get("db")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"The setting db in {config_path()} must be a path or database URL.")
    return value.strip()


def due_default() -> str:
    """What plain `due` shows: "everyone" (a personal store) or "mine" (set in a team)."""
    value = (_setting("KEEPGOING_DUE", "due") or "everyone").lower()
    if value not in ("mine", "everyone"):
        raise BadInput(f'The setting due must be "mine" or "everyone", not "{value}".')
    return value
