"""The answers to a standard wellbeing measure, as typed (`--ons4 7,8,6,3`) or asked at a terminal.

`--ons4` on its own (last, or followed by another option) is read as
`--ons4 ask` (see `program.optional_values`): at a terminal the questions
are put with their wording and attribution; off a terminal it is a usage
error that shows how to give the answers. `--measure NAME ask` does the same
for an organisation's own measure.
"""

from typing import Any

import keepgoing.cli.prompts as prompts  # not `from keepgoing.cli`: that package imports the app
from keepgoing import messages
from keepgoing.cli.output import say, user
from keepgoing.errors import UsageError

ASK = "ask"


def given(store: Any, ons4: str | None, measure: tuple[str, str] | None) -> list[tuple[str, Any]]:
    """(measure name, answers) for the core, asking the questions where `ask` was given."""
    wanted: list[tuple[str, str, str]] = []
    if ons4 is not None:
        wanted.append(("ons4", ons4, "--ons4"))
    if measure is not None:
        wanted.append((measure[0], measure[1], f"--measure {measure[0]}"))
    out: list[tuple[str, Any]] = []
    for name, answers, flag in wanted:
        if answers.strip().casefold() in (ASK, "?"):
            from keepgoing.core.measures import get_measure

            found = get_measure(store, name)
            if not prompts.interactive():
                example = ",".join(str(int(p.low)) for p in found.items)
                raise UsageError(messages.MEASURE_ASK_OFF_TERMINAL.format(flag=flag, example=example))
            out.append((name, prompts.ask_measure(found)))
        else:
            out.append((name, answers))
    return out


def echo(store: Any, scores: dict[str, dict[str, float]], name: str) -> None:
    """What was recorded: each measure's answers (and total), and its licence line."""
    from keepgoing.core.measures import get_measure
    from keepgoing.errors import NotFound

    for key, values in scores.items():
        try:
            found = get_measure(store, key)
        except NotFound:
            continue
        shown = [f"{p.label} {number(values[p.key])}" for p in found.parts if p.key in values]
        say(
            messages.MEASURE_SCORED.format(
                measure=user(found.title), name=user(name), scores=", ".join(shown)
            )
        )
        say(messages.MEASURE_LICENCE.format(licence=user(found.licence)))


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
