"""config: see and change your settings without editing the file by hand."""

from typing import Annotated, Any

import typer

from keepgoing import messages
from keepgoing.cli.app import app
from keepgoing.cli.options import JsonOption, emit, examples
from keepgoing.cli.output import say, user
from keepgoing.errors import UsageError


@app.command(
    rich_help_panel="Settings",
    epilog=examples(
        "keepgoing config   (every setting, and where it comes from)",
        "keepgoing config worker alex",
        "keepgoing config due mine   (plain `keepgoing due` shows your caseload)",
        "keepgoing config db postgresql://alex@db.example.org/team",
        "keepgoing config db --unset",
    ),
)
def config(
    key: Annotated[
        str | None, typer.Argument(help="worker, due, date_order or db.", show_default=False)
    ] = None,
    value: Annotated[str | None, typer.Argument(help="The new value.", show_default=False)] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Remove the setting from the config file.")] = False,
    json_out: JsonOption = False,
) -> None:
    """See your settings, or change one in the config file (its comments are kept)."""
    from keepgoing import settings

    if unset and (key is None or value is not None):
        raise UsageError("--unset takes one setting's name: keepgoing config db --unset.")
    if key is not None and (value is not None or unset):
        stored = settings.check_setting(key, value) if value is not None else None
        path = settings.write_setting(settings.known(key), stored)
        shown = _shown(key, stored)
        line = messages.SETTING_REMOVED if unset else messages.SETTING_SAVED
        say(line.format(key=key, value=user(shown), path=user(str(path))))
        if shown != stored:  # a database URL with its password in it
            say(messages.PASSWORD_IN_CONFIG)
        return
    rows = settings.effective()
    login = _team_login(rows)
    for row in rows:
        if login is not None and row["key"] == "worker":  # the login role, never a setting, there
            row.update(value=login, source="team store", meaning=messages.TEAM_WORKER_MEANING)
    if key is not None:
        rows = [row for row in rows if row["key"] == settings.known(key)]
    for row in rows:
        row["value"] = _shown(row["key"], row["value"])
    emit(
        rows,
        _say_settings,
        json_out=json_out,
        as_json=lambda rows: {"config_file": str(settings.config_path()), "settings": rows},
    )


def _say_settings(rows: list[dict[str, Any]]) -> None:
    """A line a setting (its value, where it comes from, what it means), then the config file."""
    from keepgoing import settings

    width = max(len(row["key"]) for row in rows)
    for row in rows:
        say(f"{row['key']:<{width}}  {user(row['value'] or '-')}  ({row['source']}: {row['meaning']})")
    say(messages.CONFIG_FILE.format(path=user(str(settings.config_path()))))


def _team_login(rows: list[dict[str, object]]) -> str | None:
    """The login role when the store in use is a team store (who the worker is there), else None.

    Only a database URL is opened; a store that cannot be reached says nothing here."""
    from keepgoing.storage import on_server

    db = next((str(r["value"]) for r in rows if r["key"] == "db" and r["value"]), None)
    if db is None or not on_server(db):
        return None
    from keepgoing.cli.options import open_store
    from keepgoing.errors import KeepgoingError

    try:
        store = open_store()
    except KeepgoingError:
        return None
    login = getattr(store, "team_worker", None)
    store.close()
    return None if login is None else str(login)


def _shown(key: str, value: object) -> str | None:
    """Database URLs with the password masked; everything else as it is."""
    if value is None or key != "db" or "://" not in str(value):
        return None if value is None else str(value)
    from keepgoing.storage import mask_url

    return mask_url(str(value))
