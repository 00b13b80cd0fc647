"""The `keepgoing` command: options every command shares, and the one exit point.

Domain errors become one line on stderr and exit status 1; usage errors
exit 2; anything unexpected says so without a traceback (or with one under
`--debug`) and without echoing what the user typed.
"""

import errno
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from keepgoing import __version__, messages
from keepgoing.cli.output import error, user, warn
from keepgoing.cli.prompts import choose, interactive
from keepgoing.errors import Ambiguous, KeepgoingError

HELP = """Keep in touch with the people you do co-production with.

Log a conversation straight after a call or a cuppa, and each morning see who
is due a check-in and which follow-ups are due.

\b
Start here:  keepgoing add "Sam Okafor" --every 2w --prefers phone
             keepgoing log sam --via phone --note "Talked about the allotment"
             keepgoing due
"""


# Options whose value may be left out: `--ons4` alone means `--ons4 ask` (the questions,
# asked at a terminal). Click options take a value or none, never either, so it is filled in here.
OPTIONAL_VALUES = {"--ons4": "ask"}


def optional_values(argv: list[str]) -> list[str]:
    """`argv` with the implied value after an option given alone (last, or before another option)."""
    out: list[str] = []
    for number, arg in enumerate(argv):
        if arg == "--":
            return out + argv[number:]
        out.append(arg)
        if arg in OPTIONAL_VALUES:
            following = argv[number + 1] if number + 1 < len(argv) else None
            if following is None or (following.startswith("-") and following != "-"):
                out.append(OPTIONAL_VALUES[arg])
    return out


def _passphrases_from_terminal() -> None:
    """An encrypted store asks for its passphrase at the terminal (never echoed), if there is one."""
    from keepgoing.cli.prompts import passphrase_asker
    from keepgoing.storage import encryption

    encryption.ask_passphrase = passphrase_asker()
    encryption.forget_keys()  # keys found are kept for one command only


class KeepgoingGroup(TyperGroup):
    """Runs a command and turns every way it can fail into a message and a status."""

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        if os.environ.get(complete_var or "_KEEPGOING_COMPLETE"):
            from keepgoing.cli import shell_quoting  # a Tab press: candidates quoted for the shell

            shell_quoting.use()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = optional_values(list(sys.argv[1:] if args is None else args))
        if not argv:
            argv = ["--help"]  # plain `keepgoing`: the help, as git and gh do
        from keepgoing.cli import command_in

        state["argv"] = list(argv)
        said = command_in(argv)
        if said is not None and said.casefold() in messages.NOT_A_COMMAND:
            # "keepgoing list", "keepgoing delete": the command they were reaching for.
            error(messages.NOT_A_COMMAND[said.casefold()])
            if standalone_mode:
                sys.exit(2)
            return 2
        debug = "--debug" in argv or bool(os.environ.get("KEEPGOING_DEBUG"))
        if any(_undecodable(arg) for arg in argv):
            # Bytes that are not text in the terminal's encoding arrive as lone
            # surrogates; they cannot be stored or printed, so stop here.
            error("Some of what you typed is not valid text for this terminal's encoding.")
            code = 1
            if standalone_mode:
                sys.exit(code)
            return code
        from keepgoing.storage.date_encoding import collect_damaged

        damaged = collect_damaged()
        try:
            _passphrases_from_terminal()
            while True:
                try:
                    result = super().main(
                        args=argv,
                        prog_name=prog_name or "keepgoing",
                        complete_var=complete_var,
                        standalone_mode=False,
                        **extra,
                    )
                    break
                except Ambiguous as exc:
                    # On a terminal, pick from a numbered list and run the command again
                    # with the name in full; nothing was written by the first try.
                    chosen = choose(exc) if exc.query in argv and interactive() else None
                    if chosen is None:
                        raise
                    argv = [chosen if arg == exc.query else arg for arg in argv]
            code = result if isinstance(result, int) else 0
        except KeepgoingError as exc:
            error(str(exc))
            code = exc.exit_code
        except TyperException as exc:  # Click's errors: a usage error (status 2) points at the help
            ctx = getattr(exc, "ctx", None)
            hint = ""
            if exc.exit_code == 2 and ctx is not None:
                hint = f" (see keepgoing {ctx.command_path.split(' ', 1)[-1]} --help)"
                if ctx.parent is None:
                    hint = " (see keepgoing --help)"
            error(exc.format_message() + hint)
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt):
            warn(messages.CANCELLED)
            code = 130
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS and not debug:
                # Output that cannot be written (a full disk, /dev/full, a closed pipe): say so
                # once, and stop Python from flushing the same output again on the way out.
                _silence_stdout()
                error(messages.OUTPUT_FAILED.format(reason=exc.strerror))
                code = 1
                if standalone_mode:
                    sys.exit(code)
                return code
            if debug:
                raise
            # Never echo the exception text: it may hold a note or a name.
            error(
                f"keepgoing hit an internal problem ({type(exc).__name__}); nothing was saved. "
                "Run it again with --debug for details."
            )
            code = 1
        _damaged_dates(damaged)
        if standalone_mode:
            sys.exit(code)
        return code

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Commands under their panel headings ("Every day", "People", ...), in order.

        Help is Click's plain formatter rather than Typer's Rich one: Rich help
        cost ~60 ms on every `--help` (rich.markdown, markdown-it and the
        console), for colour the panels do not need.
        """
        panels: dict[str, list[tuple[str, str]]] = {}
        width = formatter.width - 6 - max((len(name) for name in self.list_commands(ctx)), default=0)
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            panel = getattr(command, "rich_help_panel", None) or "Commands"
            panels.setdefault(panel, []).append((name, command.get_short_help_str(limit=width)))
        for panel, rows in panels.items():
            with formatter.section(panel):
                formatter.write_dl(rows)


_OUTPUT_ERRNOS = frozenset((errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _damaged_dates(damaged: list[str]) -> None:
    """One line when the store held dates that could not be read (written by an older version)."""
    from keepgoing.storage.date_encoding import EARLIEST

    if damaged:
        warn(
            messages.DAMAGED_DATES.format(
                count=len(damaged), first=user(damaged[0]), shown=EARLIEST.strftime("%-d %b %Y")
            )
        )


def _undecodable(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _complete_shell_fallback(option: str) -> None:
    """When Typer cannot see which shell runs keepgoing (no shell in the process tree: a
    script, a service), use $SHELL's name, else bash, rather than "Shell not supported".

    Typer's own option would stop there, so keepgoing answers it through Typer's
    public completion functions, for that shell.
    """
    import shellingham

    try:
        shellingham.detect_shell()
        return  # Typer will see it too
    except shellingham.ShellDetectionFailure:
        pass
    from typer.completion import get_completion_script, install

    shell = os.path.basename(os.environ.get("SHELL", "")) or "bash"
    if option == "--show-completion":
        print(get_completion_script(prog_name="keepgoing", complete_var="_KEEPGOING_COMPLETE", shell=shell))
    else:
        shell, path = install(shell=shell, prog_name="keepgoing", complete_var="_KEEPGOING_COMPLETE")
        print(f"{shell} completion installed in {path}")
        print("Completion will take effect once you restart the terminal")
    sys.exit(0)


for _option in ("--show-completion", "--install-completion"):
    if _option in sys.argv[1:]:
        _complete_shell_fallback(_option)


def _completion_wanted() -> bool:
    """False only for a run of one of keepgoing's own commands (`keepgoing log ...`)."""
    from keepgoing.cli import COMMANDS, command_in

    if "_KEEPGOING_COMPLETE" in os.environ:
        return True
    return command_in(sys.argv[1:]) not in COMMANDS


app = typer.Typer(
    cls=KeepgoingGroup,
    help=HELP,
    no_args_is_help=True,
    # Typer's completion: --install-completion / --show-completion for bash, zsh, fish
    # and PowerShell; values come from the store through keepgoing.storage.completion.
    # Set up (~5 ms) only where it can be used: help, the completion options, a Tab press.
    add_completion=_completion_wanted(),
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

# The --db given before the command; a --db after it wins.
state: dict[str, Any] = {"db": None, "command": ""}

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a file path or a database URL. Default: $KEEPGOING_DB, "
        "else keepgoing.db in your user data folder.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking (for scripts).")]


def examples(*lines: str) -> str:
    """The epilog every command's --help ends with (after \\b, Click keeps the lines as written)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _version(value: bool) -> None:
    if value:
        print(f"keepgoing {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    context: typer.Context,
    db: DbOption = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback if something goes wrong.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    state["db"] = db
    state["command"] = context.invoked_subcommand or ""


def open_store(db: str | None, *, create: bool = False, upgrade_team: bool = False) -> Any:
    """The store named by this command's --db, the global --db, or the default.

    Only a command that saves something passes `create`: a store named by
    --db or $KEEPGOING_DB that does not exist is never made by a read or a
    dry run ("There is no keepgoing store at ..."); the default store is made
    on first use by any command.
    """
    from keepgoing.settings import use_team_login
    from keepgoing.storage import open_store as open_

    # Everything keepgoing writes is private to its owner, whatever the umask.
    os.umask(0o077)
    use_team_login(None)
    store = open_(db or state["db"], create=create, upgrade_team=upgrade_team)
    use_team_login(getattr(store, "team_worker", None))
    if getattr(store, "team_worker", None) is not None:
        from keepgoing.core.audit import label

        label(store, state["command"])  # the database's triggers record it with each write
    return store
