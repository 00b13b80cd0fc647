"""The one exit point: every way a command can fail becomes a message and an exit status.

Domain errors become one line on stderr and exit status 1; usage errors
exit 2; anything unexpected says so without a traceback (or with one under
`--debug`) and without echoing what the user typed. Nothing here runs at
import: the command line is read when `Program.main` is called.
"""

import errno
import os
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from keepgoing import messages
from keepgoing.cli.output import error, user, warn
from keepgoing.errors import Ambiguous, KeepgoingError


class ExitStatus(IntEnum):
    """keepgoing's exit statuses (PRODUCT.md: 0 done, 1 data or input, 2 usage)."""

    OK = 0
    PROBLEM = 1  # a problem with the user's data or input, or one keepgoing hit
    USAGE = 2
    CANCELLED = 130  # Ctrl-C, or no at a question (128 + SIGINT, as shells do)


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


# Options of `keepgoing` itself that take a value (so the value is not a command name).
GLOBAL_WITH_VALUE = ("--db",)


def command_in(argv: list[str]) -> str | None:
    """The command named on this command line, if it comes before any --help or --version."""
    args = iter(argv)
    for arg in args:
        if arg in GLOBAL_WITH_VALUE:
            next(args, None)
        elif arg in ("--help", "--version"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None


class Program(TyperGroup):
    """Runs a command and turns every way it can fail into a message and a status."""

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        if os.environ.get(complete_var or "_KEEPGOING_COMPLETE"):
            from keepgoing.cli.shell_quoting import use  # a Tab press: candidates quoted for the shell

            use()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = optional_values(list(sys.argv[1:] if args is None else args)) or ["--help"]
        # plain `keepgoing`: the help, as git and gh do
        code = refused(argv)
        if code is None:
            code = self._guarded(argv, prog_name=prog_name, complete_var=complete_var, **extra)
            _damaged_dates()
        if standalone_mode:
            sys.exit(code)
        return code

    def _guarded(self, argv: list[str], **how: Any) -> int:
        """Run the command line; any failure becomes its message and status."""
        debug = "--debug" in argv or bool(os.environ.get("KEEPGOING_DEBUG"))
        try:
            return self._run(argv, **how)
        except KeepgoingError as exc:
            error(str(exc))
            return exc.exit_code
        except TyperException as exc:  # Click's errors: a usage error (status 2) points at the help
            error(exc.format_message() + _help_hint(exc))
            return exc.exit_code
        except (typer.Abort, KeyboardInterrupt):
            warn(messages.CANCELLED)
            return ExitStatus.CANCELLED
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS and not debug:
                # Output that cannot be written (a full disk, /dev/full, a closed pipe): say so
                # once, and stop Python from flushing the same output again on the way out.
                _silence_stdout()
                error(messages.OUTPUT_FAILED.format(reason=exc.strerror))
                return ExitStatus.PROBLEM
            if debug:
                raise
            # Never echo the exception text: it may hold a note or a name.
            error(
                f"keepgoing hit an internal problem ({type(exc).__name__}); nothing was saved. "
                "Run it again with --debug for details."
            )
            return ExitStatus.PROBLEM

    def _run(self, argv: list[str], *, prog_name: str | None, **how: Any) -> int:
        """Run it; on a terminal, a name that matches several people is chosen from a list.

        The command then runs again with the name in full; nothing was written by the first try.
        """
        from keepgoing.cli.options import Session

        if command_in(argv) is not None or "_KEEPGOING_COMPLETE" in os.environ:
            _passphrases_from_terminal()  # only a command can open a store; --help never does
        while True:
            try:
                result = super().main(
                    args=argv,
                    prog_name=prog_name or "keepgoing",
                    standalone_mode=False,
                    obj=Session(argv=list(argv)),
                    **how,
                )
                return result if isinstance(result, int) else ExitStatus.OK
            except Ambiguous as exc:
                chosen = _chosen(exc, argv)
                if chosen is None:
                    raise
                argv = [chosen if arg == exc.query else arg for arg in argv]


def refused(argv: list[str]) -> int | None:
    """The status for a command line stopped before it runs, else None (it may run).

    A word people reach for that is not a command ("keepgoing list"), bytes
    that are not text, and the completion options where Typer cannot see
    the shell are answered here.
    """
    said = command_in(argv)
    if said is not None and said.casefold() in messages.NOT_A_COMMAND:
        # "keepgoing list", "keepgoing delete": the command they were reaching for.
        error(messages.NOT_A_COMMAND[said.casefold()])
        return ExitStatus.USAGE
    if any(_undecodable(arg) for arg in argv):
        # Bytes that are not text in the terminal's encoding arrive as lone
        # surrogates; they cannot be stored or printed, so stop here.
        error("Some of what you typed is not valid text for this terminal's encoding.")
        return ExitStatus.PROBLEM
    for option in ("--show-completion", "--install-completion"):
        if option in argv and _complete_shell_fallback(option):
            return ExitStatus.OK
    return None


def _chosen(exc: Ambiguous, argv: list[str]) -> str | None:
    from keepgoing.cli.prompts import choose, interactive

    return choose(exc) if exc.query in argv and interactive() else None


def _help_hint(exc: TyperException) -> str:
    ctx = getattr(exc, "ctx", None)
    if exc.exit_code != 2 or ctx is None:
        return ""
    if ctx.parent is None:
        return " (see keepgoing --help)"
    return f" (see keepgoing {ctx.command_path.split(' ', 1)[-1]} --help)"


def _passphrases_from_terminal() -> None:
    """An encrypted store asks for its passphrase at the terminal (never echoed), if there is one.

    Who asks is set here, but the terminal is looked at only when a passphrase is wanted: a
    plain store loads neither the prompts nor encryption. Keys found last one command.
    """
    from keepgoing.storage.passphrases import new_command

    new_command(_terminal_asker)


def _terminal_asker() -> Callable[[str], str] | None:
    from keepgoing.cli.prompts import passphrase_asker

    return passphrase_asker()


_OUTPUT_ERRNOS = frozenset((errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _damaged_dates() -> None:
    """One line when the store held dates that could not be read (written by an older version)."""
    if "keepgoing.storage.date_encoding" not in sys.modules:
        return  # no date was read from a store (--help, --version): nothing to say
    from keepgoing.storage.date_encoding import EARLIEST, finish_damaged

    damaged = finish_damaged()

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


def _complete_shell_fallback(option: str) -> bool:
    """When Typer cannot see which shell runs keepgoing (no shell in the process tree: a
    script, a service), use $SHELL's name, else bash, rather than "Shell not supported".

    Typer's own option would stop there, so keepgoing answers it through Typer's
    public completion functions, for that shell.
    """
    import shellingham

    try:
        shellingham.detect_shell()
        return False  # Typer will see it too
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
    return True
