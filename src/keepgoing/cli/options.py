"""What every command shares: the options declared once, the run's session, and the endings.

A command never declares `--db`: the application adds it to every command
that works on a store (`Entry.store` in cli/app.py), after the command's own
options, and its value, like the `--db` given before the command name, goes
into the run's `Session` on the context. A command asks for the store with
`open_store()`; the session opens it the first time.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking (for scripts).")]

DB_HELP = (
    "The store: a file path or a database URL. Default: $KEEPGOING_DB, "
    "else keepgoing.db in your user data folder."
)


@dataclass
class Session:
    """One run of keepgoing: what was typed and which store it names (ctx.obj)."""

    argv: list[str] = field(default_factory=list)
    db: str | None = None  # the --db given; one after the command name wins
    command: str = ""

    def open_store(self, *, create: bool = False, upgrade_team: bool = False) -> Any:
        """The store this run names: its --db, else $KEEPGOING_DB, else the default.

        Only a command that saves something passes `create`: a store named by
        --db or $KEEPGOING_DB that does not exist is never made by a read or a
        dry run ("There is no keepgoing store at ..."); the default store is made
        on first use by any command.
        """
        return open_store_at(self.db, create=create, upgrade_team=upgrade_team, command=self.command)


def session() -> Session:
    """The session of the command running now."""
    from typer.main import get_current_context

    return session_of(get_current_context())


def session_of(context: Any) -> Session:
    """The run's session, kept on the root context (ctx.obj)."""
    root = context.find_root()
    if not isinstance(root.obj, Session):
        root.obj = Session()
    return root.obj


def open_store(*, create: bool = False, upgrade_team: bool = False) -> Any:
    """The store this run names (see `Session.open_store`)."""
    return session().open_store(create=create, upgrade_team=upgrade_team)


def open_store_at(
    location: str | None, *, create: bool = False, upgrade_team: bool = False, command: str = ""
) -> Any:
    """The store at `location` (None: $KEEPGOING_DB or the default), as this user opens it."""
    from keepgoing.settings import use_team_login
    from keepgoing.storage import open_store as open_
    from keepgoing.storage.date_encoding import collecting_damaged

    # Everything keepgoing writes is private to its owner, whatever the umask.
    os.umask(0o077)
    use_team_login(None)
    collecting_damaged()  # the dates it cannot read are said once, when the command ends
    store = open_(location, create=create, upgrade_team=upgrade_team)
    use_team_login(getattr(store, "team_worker", None))
    if getattr(store, "team_worker", None) is not None:
        from keepgoing.core.audit import label

        label(store, command)  # the database's triggers record it with each write
    return store


def _remember_db(context: Any, _param: Any, value: str | None) -> None:
    if value is not None:
        session_of(context).db = value


def db_option() -> Any:
    """`--db`, as Typer would build it, its value kept on the session rather than passed on."""
    from typer.main import get_click_param
    from typer.models import ParamMeta

    option, _ = get_click_param(
        ParamMeta(
            name="db",
            default=typer.Option(None, "--db", help=DB_HELP, show_default=False),
            annotation=str | None,
        )
    )
    option.expose_value = False
    option.callback = _remember_db
    return option


def emit(
    result: Any,
    render: Callable[[Any], object],
    *,
    json_out: bool,
    as_json: Callable[[Any], Any] | None = None,
) -> None:
    """The ending of every read command: `result` as JSON for scripts (through `as_json`,
    else the result's own `to_json()`, else as it is), else `render(result)` on the screen."""
    if json_out:
        from keepgoing.cli.output import emit_json

        if as_json is not None:
            emit_json(as_json(result))
        else:
            emit_json(result.to_json() if hasattr(result, "to_json") else result)
    else:
        render(result)


def screens() -> Any:
    """The screens (Rich), imported only when one is drawn."""
    import keepgoing.cli.render as render  # not `from keepgoing.cli`: that package imports the app

    return render


def examples(*lines: str) -> str:
    """The epilog every command's --help ends with (after \\b, Click keeps the lines as written)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
