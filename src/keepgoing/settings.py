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
from pathlib import Path
from typing import Any

from keepgoing.errors import BadInput
from keepgoing.locations import config_path, config_values, default_store_path


def dayfirst() -> bool:
    """Whether 03/04/2026 means 3 April (the UK default) rather than 4 March."""
    value = os.environ.get("KEEPGOING_DATE_ORDER") or config_values().get("date_order", "dmy")
    value = str(value).strip().lower()
    if value not in ("dmy", "mdy"):
        raise BadInput(f'date_order must be "dmy" or "mdy", not "{value}".')
    return value == "dmy"


def _setting(env: str, key: str) -> str | None:
    value = os.environ.get(env)
    if value is None:
        value = config_values().get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"The setting {key} in {config_path()} must be a quoted string.")
    return value.strip() or None


# In a team store, the PostgreSQL login role keepgoing connected as (set when it is opened).
_team_login: list[str | None] = [None]


def use_team_login(role: str | None) -> None:
    """The store just opened is a team store and `role` its login (None: it is not)."""
    _team_login[0] = role


def current_user() -> str | None:
    """Who is using keepgoing: recorded on what they log, and what `due --mine` means.

    In a team store it is the login role, never a setting: KEEPGOING_WORKER and
    `config worker` choose nothing there.
    """
    from keepgoing.text import worker_key

    if _team_login[0] is not None:
        return _team_login[0]

    chosen = _setting("KEEPGOING_WORKER", "worker")
    if chosen:
        return worker_key(chosen)
    import getpass

    try:
        return worker_key(getpass.getuser())
    except (KeyError, OSError, BadInput):  # no login name in a container, say
        return None


def due_default() -> str:
    """What plain `due` shows: "everyone" (a personal store) or "mine" (set in a team)."""
    value = (_setting("KEEPGOING_DUE", "due") or "everyone").lower()
    if value not in ("mine", "everyone"):
        raise BadInput(f'The setting due must be "mine" or "everyone", not "{value}".')
    return value


# --- the `config` command: every setting, where it comes from, and changing it --------

SETTINGS = {
    "worker": ("KEEPGOING_WORKER", "who you are in a team store"),
    "due": ("KEEPGOING_DUE", 'what plain `keepgoing due` shows: "mine" or "everyone"'),
    "date_order": ("KEEPGOING_DATE_ORDER", 'how 03/04/2026 is read: "dmy" or "mdy"'),
    "db": ("KEEPGOING_DB", "the store, when there is no --db: a file path or a database URL"),
}


def known(key: str) -> str:
    if key not in SETTINGS:
        raise BadInput(f'There is no setting "{key}"; the settings are {", ".join(SETTINGS)}.')
    return key


def check_setting(key: str, value: str) -> str:
    """The value as it will be stored, or BadInput saying what is allowed."""
    known(key)
    value = value.strip()
    if key == "worker":
        from keepgoing.text import worker_key

        return worker_key(value)
    if key == "due" and value.lower() not in ("mine", "everyone"):
        raise BadInput('due is "mine" or "everyone".')
    if key == "date_order" and value.lower() not in ("dmy", "mdy"):
        raise BadInput('date_order is "dmy" or "mdy".')
    if not value:
        raise BadInput(f"{key} cannot be empty; use --unset to remove it.")
    if "\n" in value or "\x00" in value:
        raise BadInput(f"{key} must be one line.")
    return value.lower() if key in ("due", "date_order") else value


def effective() -> list[dict[str, Any]]:
    """Each setting's value and where it came from: environment, config file or default."""
    rows = []
    for key, (variable, meaning) in SETTINGS.items():
        value: str | None
        if os.environ.get(variable):
            value, source = os.environ[variable], f"${variable}"
        elif config_values().get(key) is not None:
            value, source = config_values()[key], "config file"
        else:
            value, source = _default(key), "default"
        rows.append({"key": key, "value": value, "source": source, "meaning": meaning})
    return rows


def _default(key: str) -> str | None:
    if key == "worker":
        return current_user()
    if key == "db":
        return str(default_store_path())
    return {"due": "everyone", "date_order": "dmy"}[key]


def write_setting(key: str, value: str | None) -> Path:
    """Set (or, with None, remove) one setting in the config file, keeping its comments.

    Written beside the file and renamed into place, owner-only, so a crash
    never leaves half a config file.
    """
    import tomllib

    import tomlkit

    from keepgoing.bounded_input import MAX_CONFIG_BYTES, read_limited_text
    from keepgoing.locations import make_private_dir, private_replacement

    path = config_path()
    text = ""
    if os.path.lexists(path):
        text = read_limited_text(path, limit=MAX_CONFIG_BYTES, what="config file")
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise BadInput(f"The config file {path} is not valid TOML ({exc}); fix or remove it first.") from None
    if value is None:
        if key not in doc:
            raise BadInput(f"{key} is not set in the config file {path}.")
        del doc[key]
    else:
        doc[key] = value
    new_text = tomlkit.dumps(doc)
    tomllib.loads(new_text)  # what we write must read back
    make_private_dir(path.parent)
    try:
        with private_replacement(path) as temp:
            temp.write_text(new_text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"Could not write the config file {path}: {exc.strerror}.") from None
    config_values.cache_clear()
    return path
