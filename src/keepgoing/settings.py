"""User settings: environment variables first, then an optional config file.

The config file is TOML at `$KEEPGOING_CONFIG`, or `config.toml` in the
platform's user config folder. It is read only when a setting is needed, so
commands that never ask pay nothing for it.

    # ~/.config/keepgoing/config.toml
    date_order = "dmy"   # or "mdy": how to read 03/04/2026
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
