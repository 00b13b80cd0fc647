"""Words left over on a command line: an unquoted note, date or name, and the command quoted.

`keepgoing log sam --note Coffee at the hub` gives the note "Coffee" and three
names, "at", "the" and "hub", that match nobody. When a command fails on names
like those, this says what they look like and shows the command as it was
probably meant, quoted (`--note "Coffee at the hub"`); the words are never
guessed into place.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection
from typing import Any

from keepgoing import messages
from keepgoing.settings import dayfirst

# What an option's value is, in the words of the message.
# Only options whose value is free text or a date: names after --present are more names.
_KINDS = {
    "--note": "the note",
    "--when": "the date",
    "--due": "the date",
    "--until": "the date",
    "--follow-up": "the follow-up",
    "--idea": "the idea",
    "--feeling": "the feeling",
    "--reason": "the reason",
    "--text": "the text",
}
_PLAIN = re.compile(r"^[\w@%+=:,./'-]+$")


def quote(word: str) -> str:
    """A word as it would be typed: bare when it can be, else in double quotes (or shell quotes)."""
    if _PLAIN.match(word) and "'" not in word:
        return word
    if not any(c in word for c in '"$`\\!'):
        return f'"{word}"'
    return shlex.quote(word)


def _command_words(argv: list[str], command: str) -> tuple[list[str], list[str]]:
    """(everything up to and including the command's name, what follows it)."""
    for index, arg in enumerate(argv):
        if arg == command:
            return argv[: index + 1], argv[index + 1 :]
    return [command], list(argv)


def _options_with_values(command: Any) -> set[str]:
    names: set[str] = set()
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option" and not getattr(param, "is_flag", False):
            names.update(param.opts)
    return names


def explain(
    argv: list[str], command: Any, unknown: Collection[str], *, date_words: Collection[str] = ()
) -> str | None:
    """A one-line hint when `unknown` words (positional, matching nobody) look like part of a value.

    `argv` is the whole command line; `command` the Click command (for which options take a value).
    """
    head, rest = _command_words(argv, command.name)
    takes_value = _options_with_values(command)
    unknown_keys = {u.casefold() for u in unknown}
    out: list[str] = []
    index = 0
    hint: tuple[str, str] | None = None  # (what it looks like, the words)
    while index < len(rest):
        arg = rest[index]
        if arg in takes_value and index + 1 < len(rest):
            value = [rest[index + 1]]
            index += 2
            # Positional words straight after a text or date: more of it, if they match nobody.
            while (
                arg in _KINDS
                and index < len(rest)
                and not rest[index].startswith("-")
                and rest[index].casefold() in unknown_keys
            ):
                value.append(rest[index])
                index += 1
            if len(value) > 1 and hint is None:
                hint = (_KINDS[arg], " ".join(value[1:]))
            out += [arg, " ".join(value) if len(value) > 1 else value[0]]
            continue
        if (
            hint is None
            and arg in date_words
            and arg.casefold() in unknown_keys
            and "--when" not in rest
            and getattr(command, "name", "") == "log"
        ):
            hint = ("a date", arg)
            out += ["--when", arg]
            index += 1
            continue
        out.append(arg)
        index += 1
    if hint is None:
        return None
    what, words = hint
    shown = " ".join(quote(w) for w in ["keepgoing", *head[-1:], *out])
    if what == "a date":
        return messages.LEFTOVER_DATE.format(words=words, command=shown)
    return messages.LEFTOVER_VALUE.format(words=words, what=what, command=shown)


def quoted_name(
    store: Any, words: list[str], *, argv: list[str] | None = None, command: str = "edit"
) -> str | None:
    """When two or three names typed side by side are one person's name, the command with it quoted."""
    from keepgoing.core.matching import find_person
    from keepgoing.errors import KeepgoingError
    from keepgoing.text import name_key

    for size in (3, 2):
        for start in range(len(words) - size + 1):
            joined = " ".join(words[start : start + size])
            try:
                person = find_person(store, joined)
            except KeepgoingError:
                continue
            if name_key(person.name) != name_key(joined) and name_key(joined) not in (
                name_key(a) for a in person.aliases
            ):
                continue
            if argv is None:
                return messages.LEFTOVER_NAME.format(words=joined, name=person.name, command=f'"{joined}"')
            head, rest = _command_words(argv, command)
            for index in range(len(rest) - size + 1):
                if [w.casefold() for w in rest[index : index + size]] == [
                    w.casefold() for w in words[start : start + size]
                ]:
                    rest = [*rest[:index], joined, *rest[index + size :]]
                    break
            shown = " ".join(quote(w) for w in ["keepgoing", *head[-1:], *rest])
            return messages.LEFTOVER_NAME.format(words=joined, name=person.name, command=shown)
    return None


def check(store: Any, names: list[str], *, side_by_side: bool = False) -> None:
    """Refuse, with the quoted command, names that look like an unquoted note, date or name.

    Called when a command's names did not all match someone (and before `log --new`
    would add people called "at", "the" and "hub"); says nothing when none look so.
    """
    from typer._click.globals import get_current_context

    from keepgoing.cli.options import session_of
    from keepgoing.core.matching import find_person
    from keepgoing.errors import Ambiguous, BadInput, NotFound, UsageError

    context = get_current_context(silent=True)
    argv = session_of(context).argv if context is not None else []
    if context is None or not argv or not names:
        return
    unknown: list[str] = []
    for name in names:
        try:
            find_person(store, name)
        except (NotFound, Ambiguous, BadInput):
            unknown.append(name)
    if not unknown and not side_by_side:
        return
    from keepgoing import clock
    from keepgoing.dates import parse_when

    dates: list[str] = []
    for word in unknown:
        if not any(c.isdigit() for c in word):
            continue
        try:
            parse_when(word, today=clock.local_today(clock.now()), prefer="either", dayfirst=dayfirst())
        except BadInput:
            continue
        dates.append(word)
    hint = explain(argv, context.command, unknown, date_words=dates)
    if hint is None and len(names) > 1:
        hint = quoted_name(store, names, argv=argv, command=context.command.name or "")
    if hint is not None:
        raise UsageError(hint)
