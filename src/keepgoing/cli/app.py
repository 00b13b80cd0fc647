"""The `keepgoing` application: one table of commands, and the Typer app built from it.

`COMMANDS` is the only list of commands (as pip's `commands_dict`): the
order of `--help`, the panels it groups them under, the summaries it and a
Tab press show, and which module to import for each. Running `keepgoing log`
imports and builds only `log` (Typer would otherwise build all ~45 commands'
parameters on every start); `--help` builds none.

The command modules register their functions with `@app.command(...)` on
the `app` below; the group finds a command's registration when it is first
asked for it. They do not use `from __future__ import annotations`: with
postponed annotations Typer has to eval every parameter's annotation string
when it builds the commands, which cost ~30 ms on every run.
"""

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any, NamedTuple

import typer

from keepgoing.cli.options import DB_HELP, db_option, session_of
from keepgoing.cli.program import HELP, Program, command_in

__all__ = ["COMMANDS", "Entry", "app", "command_in", "main"]


class Entry(NamedTuple):
    target: str  # "module:attribute" in keepgoing.cli: a command function, or a Typer group
    panel: str  # the --help heading it is listed under
    summary: str  # its line in --help and in a Tab press
    store: bool = True  # it works on a store, so it takes --db

    @property
    def module(self) -> str:
        return "keepgoing.cli." + self.target.split(":")[0]


# In --help order.
COMMANDS: dict[str, Entry] = {
    "log": Entry(
        "log_command:log",
        "Every day",
        "Record one conversation with one or more people (or, with --no-answer, a try).",
    ),
    "due": Entry(
        "due_command:due",
        "Every day",
        "Who is due a check-in (most overdue for their rhythm first), and follow-ups due.",
    ),
    "followups": Entry(
        "followup_commands:followups",
        "Every day",
        "Open follow-ups, soonest due first (--done, --all: the finished ones too).",
    ),
    "done": Entry(
        "followup_commands:done",
        "Every day",
        "Mark one or more follow-ups as done (all of them, or none if a number is wrong).",
    ),
    "amend": Entry(
        "correction_commands:amend",
        "Putting things right",
        "Correct a logged conversation, or add to it, without logging it twice.",
    ),
    "unlog": Entry(
        "correction_commands:unlog",
        "Putting things right",
        "Remove a conversation logged by mistake, with the follow-ups and ideas made in it.",
    ),
    "followup": Entry(
        "correction_commands:followup",
        "Putting things right",
        "Add a follow-up for someone, or change one: reword, re-date, pass on, cancel or reopen it.",
    ),
    "add": Entry("people_commands:add", "People", "Add a person to keep in touch with."),
    "people": Entry("people_commands:people", "People", "List the people you keep in touch with."),
    "show": Entry("people_commands:show", "People", "One person's card and their timeline, newest first."),
    "edit": Entry(
        "people_commands:edit", "People", "Change someone's details, tags, aliases, rhythm or key worker."
    ),
    "pause": Entry(
        "people_commands:pause",
        "People",
        "Snooze someone until a date: they will not show as due before then.",
    ),
    "resume": Entry(
        "people_commands:resume", "People", "Bring a paused or archived person back into the rhythm."
    ),
    "archive": Entry(
        "people_commands:archive", "People", "Retire someone: they leave the lists, their history is kept."
    ),
    "merge": Entry(
        "merge_command:merge",
        "People",
        "Merge two records of one person: everything of the first moves to the second.",
    ),
    "monitor": Entry(
        "monitoring_commands:monitor",
        "People",
        "Record equality monitoring for someone, with their consent to it (separate from consent to contact).",
    ),
    "note": Entry(
        "coproduction_commands:note",
        "Connect, ask and listen",
        "Keep a lasting note on what matters to someone.",
    ),
    "ideas": Entry(
        "coproduction_commands:ideas",
        "Connect, ask and listen",
        "Ideas people shared, who raised them, and what became of them.",
    ),
    "idea": Entry(
        "coproduction_commands:idea",
        "Connect, ask and listen",
        "Note an idea someone shared, or record what became of one (and that they were told).",
    ),
    "win": Entry("coproduction_commands:win", "Connect, ask and listen", "Celebrate a small win."),
    "wins": Entry("coproduction_commands:wins", "Connect, ask and listen", "Look back on the small wins."),
    "spread": Entry(
        "coproduction_commands:spread",
        "Connect, ask and listen",
        "Stagger a backlog of check-ins into a realistic plan: a few a day.",
    ),
    "snooze": Entry(
        "coproduction_commands:snooze",
        "Connect, ask and listen",
        "Put one person off for a few days, or until a day.",
    ),
    "jot": Entry(
        "coproduction_commands:jot",
        "Every day",
        "Log a conversation from a sentence: finds the names, the channel and the day.",
    ),
    "export": Entry(
        "exchange_commands:export",
        "Reports and data",
        "Export for reports, hand-over packs, calendars and full backups.",
    ),
    "import": Entry(
        "exchange_commands:import_",
        "Reports and data",
        "Bring people and history in: all or nothing, matching people already here.",
    ),
    "stats": Entry(
        "insight_commands:stats",
        "Reports and data",
        "Conversations and people reached per week or month, channels, overdue and wellbeing.",
    ),
    "search": Entry(
        "insight_commands:search",
        "Reports and data",
        "Find people by words (by name), then conversations, follow-ups, ideas, notes and wins, newest first.",
    ),
    "report": Entry(
        "report_command:report",
        "Reports and data",
        "An impact report for funders and boards: one self-contained page with charts.",
    ),
    "handover": Entry(
        "team_commands:handover",
        "Team",
        "Give one worker's people (and their open follow-ups) to another, with a hand-over pack.",
    ),
    "copy": Entry(
        "team_commands:copy",
        "Team",
        "Copy everything in this store into another (a team's database, or back to a file).",
    ),
    "audit": Entry(
        "team_commands:audit",
        "Team",
        "Who read or changed what in a team store, and when (a worker sees their own entries).",
    ),
    "upgrade": Entry(
        "team_commands:upgrade",
        "Team",
        "Bring the store to the newest schema (in a team store, for whoever looks after it).",
    ),
    "forget": Entry(
        "safety_commands:forget",
        "Care with data",
        "Erase a person and everything said only about them, for good.",
    ),
    "backup": Entry(
        "safety_commands:backup",
        "Care with data",
        "A consistent, private copy of the store, made with SQLite's online backup.",
    ),
    "restore": Entry(
        "safety_commands:restore",
        "Care with data",
        "Bring a backup back, after checking it; the current store is backed up first.",
    ),
    "check": Entry(
        "safety_commands:check",
        "Care with data",
        "Check the store's integrity and schema without changing anything.",
    ),
    "retention": Entry(
        "safety_commands:retention",
        "Care with data",
        "Erase or anonymise what is older than a retention period.",
    ),
    "encrypt": Entry(
        "privacy_commands:encrypt",
        "Care with data",
        "Encrypt the local store at rest (SQLCipher 4); its backups are encrypted too.",
    ),
    "decrypt": Entry(
        "privacy_commands:decrypt",
        "Care with data",
        "Turn an encrypted store back into a plain SQLite file (and forget its remembered key).",
    ),
    "rekey": Entry(
        "privacy_commands:rekey",
        "Care with data",
        "Change an encrypted store's passphrase; a remembered key is replaced by the new one.",
    ),
    "config": Entry(
        "settings_commands:config",
        "Settings",
        "See your settings, or change one in the config file (its comments are kept).",
        store=False,
    ),
    "group": Entry(
        "coproduction_commands:group_app",
        "Connect, ask and listen",
        "Groups that meet, their members and their sessions.",
    ),
    "measure": Entry(
        "measure_commands:measure_app",
        "Reports",
        "Standard wellbeing measures: ONS4 built in, and your organisation's own licensed ones.",
    ),
    "team": Entry(
        "team_commands:team_app",
        "Team",
        "A team store's roles and access: PostgreSQL roles and row-level security.",
    ),
}


def build(name: str) -> Any:
    """The Click command for `name`, from its module's registration (imported now)."""
    from typer.main import get_command_from_info, get_group_from_info

    entry = COMMANDS[name]
    module, attribute = entry.target.split(":")
    target = getattr(importlib.import_module(f"keepgoing.cli.{module}"), attribute)
    if isinstance(target, typer.Typer):
        info = next(g for g in app.registered_groups if g.typer_instance is target)
        command: Any = get_group_from_info(
            info, pretty_exceptions_short=False, rich_markup_mode=None, suggest_commands=True
        )
        leaves = list(command.commands.values())
    else:
        registered = next(c for c in app.registered_commands if c.callback is target)
        command = get_command_from_info(registered, pretty_exceptions_short=False, rich_markup_mode=None)
        leaves = [command]
    if entry.store:
        for leaf in leaves:
            leaf.params.append(db_option())  # after the command's own options, as --help lists it
    return command


def _completion_wanted(argv: list[str]) -> bool:
    """Typer's --install-completion and --show-completion, set up (~5 ms, shellingham)
    only where they can be used: help, the options themselves, a Tab press; not for a
    run of one of the commands (`keepgoing log ...`)."""
    return "_KEEPGOING_COMPLETE" in os.environ or command_in(argv) not in COMMANDS


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands as Click sees them: every name in the table, each built when first read."""

    def __init__(self) -> None:
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            if name not in COMMANDS:
                raise KeyError(name)
            self.built[name] = build(name)
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(name for name in self.built if name not in COMMANDS)])

    def __len__(self) -> int:
        return len(COMMANDS) + sum(name not in COMMANDS for name in self.built)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self.built


class LazyGroup(Program):
    """`keepgoing`'s commands from the table, each built the first time it is asked for.

    Whatever Typer built from registrations already made is dropped: commands
    come from the table only, so each gets its --db the same way.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands()

    def main(self, args: Any = None, *rest: Any, **how: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if _completion_wanted(argv) and not any(p.name == "install_completion" for p in self.params):
            from typer.main import get_install_completion_arguments

            self.params.extend(get_install_completion_arguments())
        return super().main(argv, *rest, **how)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """Command names from the table (nothing is imported for them), then options."""
        from typer._click.core import Command
        from typer._click.shell_completion import CompletionItem

        names = [
            CompletionItem(name, help=entry.summary)
            for name, entry in COMMANDS.items()
            if name.startswith(incomplete)
        ]
        return names + Command.shell_complete(self, ctx, incomplete)

    def format_commands(self, _ctx: Any, formatter: Any) -> None:
        """Commands under their panel headings ("Every day", "People", ...), in table order.

        Help is Click's plain formatter rather than Typer's Rich one: Rich help
        cost ~60 ms on every `--help` (rich.markdown, markdown-it and the
        console), for colour the panels do not need; the summaries come from
        the table, so no command module is imported for it.
        """
        from typer._click.utils import make_default_short_help

        panels: dict[str, list[tuple[str, str]]] = {}
        width = formatter.width - 6 - max(map(len, COMMANDS))
        for name, entry in COMMANDS.items():
            panels.setdefault(entry.panel, []).append((name, make_default_short_help(entry.summary, width)))
        for panel, rows in panels.items():
            with formatter.section(panel):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=LazyGroup,
    help=HELP,
    no_args_is_help=True,
    # Typer's completion: --install-completion / --show-completion for bash, zsh, fish
    # and PowerShell (added by LazyGroup.main where they can be used); values come from
    # the store through keepgoing.storage.completion.
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        from keepgoing import __version__

        print(f"keepgoing {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    context: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)] = None,
    _debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback if something goes wrong.")
    ] = False,
    _show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    session = session_of(context)
    if db is not None:
        session.db = db
    session.command = context.invoked_subcommand or ""


def main() -> None:
    """The `keepgoing` command."""
    app()
