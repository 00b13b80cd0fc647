"""Questions asked at a terminal: the one place keepgoing prompts.

Off a terminal nothing is asked: a command that would need an answer says
which option gives it (`--yes`) instead of guessing. Rich's prompts are
imported only when a question is really asked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer

from keepgoing import messages
from keepgoing.cli.output import user
from keepgoing.errors import Ambiguous, UsageError


def can_ask() -> bool:
    """Someone can answer: standard input is a terminal."""
    return sys.stdin.isatty()


def interactive() -> bool:
    """A person at a terminal, who can be asked a question and see the screen it comes on."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask(question: str, *, choices: list[str] | None = None, default: str | None = None) -> str:
    """One answer typed at the terminal; with `default` "", Enter skips."""
    from rich.prompt import Prompt

    if default is None:
        return Prompt.ask(question, choices=choices)
    return Prompt.ask(question, choices=choices, default=default, show_default=bool(default))


def pick(word: str, names: list[str]) -> str | None:
    """Which of `names` a word meant, by number; None when the answer is no choice (Enter)."""
    print(messages.WHICH_ONE.format(word=user(word)), file=sys.stderr)
    for number, name in enumerate(names, 1):
        print(messages.CHOICE.format(number=number, name=user(name)), file=sys.stderr)
    answer = input(f"Number (1-{len(names)}, Enter to cancel): ").strip()
    if answer.isdigit() and 1 <= int(answer) <= len(names):
        return names[int(answer) - 1]
    return None


def choose(exc: Ambiguous) -> str | None:
    """Ask which of an ambiguous name's candidates was meant."""
    return pick(exc.query or "", exc.candidates)


def confirm(question: str, yes: bool, *, default: bool = False, off_terminal: str | None = None) -> None:
    """Ask on a terminal (no means stop); off a terminal, insist on --yes rather than guess."""
    if yes:
        return
    if not can_ask():
        raise UsageError(off_terminal or f"{question} Add --yes to confirm when not at a terminal.")
    from rich.prompt import Confirm

    if not Confirm.ask(question, default=default):
        raise typer.Abort()


def ask_measure(measure: Any) -> list[int]:
    """A measure's questions, one at a time, with its attribution first; each answer re-asked until it fits."""
    lows = {int(p.low) for p in measure.items}
    highs = {int(p.high) for p in measure.items}
    print(
        messages.MEASURE_ABOUT.format(
            title=user(measure.title),
            count=len(measure.items),
            low="/".join(map(str, sorted(lows))),
            high="/".join(map(str, sorted(highs))),
        ),
        file=sys.stderr,
    )
    print(messages.MEASURE_LICENCE.format(licence=user(measure.licence)), file=sys.stderr)
    answers: list[int] = []
    for number, part in enumerate(measure.items, 1):
        low, high = int(part.low), int(part.high)
        question = messages.MEASURE_QUESTION.format(
            number=number, question=user(part.question or part.label), low=low, high=high
        )
        from rich.markup import escape

        while True:
            answer = ask(escape(question)).strip()
            if answer.lstrip("-").isdigit() and low <= int(answer) <= high:
                answers.append(int(answer))
                break
            print(messages.MEASURE_ANSWER_AGAIN.format(low=low, high=high), file=sys.stderr)
    return answers


def passphrase(question: str) -> str:
    """A passphrase typed at the terminal, never echoed (and never taken from the command line)."""
    import getpass

    return getpass.getpass(question)


def passphrase_asker() -> Callable[[str], str] | None:
    """What the store asks for a passphrase with: the terminal when there is one, else nothing."""
    return passphrase if can_ask() else None
