"""monitor: equality monitoring, recorded only with the person's own consent to it."""

from typing import Annotated

import typer

from keepgoing import clock, messages
from keepgoing.cli.app import app
from keepgoing.cli.arguments import person_argument
from keepgoing.cli.options import examples, open_store
from keepgoing.cli.output import say, user
from keepgoing.errors import UsageError
from keepgoing.settings import dayfirst

_ANSWER = "prefer-not and not-asked for any field; see --list-categories"


@app.command(
    rich_help_panel="People",
    epilog=examples(
        "keepgoing monitor sam --consent given --age-band 25-34 --gender woman --ethnicity indian",
        'keepgoing monitor sam --ethnicity "white british" --disability no --postcode-district LS6',
        "keepgoing monitor sam --age-band 35-44 --asked 2027-11-02   (a year on: a new dated record)",
        "keepgoing monitor sam --gender prefer-not",
        "keepgoing monitor sam --consent withdrawn   (deletes their consent and every answer)",
        "keepgoing monitor --list-categories",
        "keepgoing show sam --monitoring",
    ),
)
def monitor(
    name: Annotated[str | None, person_argument("Name, alias, or the start of either.")] = None,
    consent: Annotated[
        str | None,
        typer.Option(
            "--consent",
            help="given (their consent to monitoring, dated --asked; needed once before any answer) "
            "or withdrawn (deletes it and every answer).",
        ),
    ] = None,
    age_band: Annotated[
        str | None,
        typer.Option(
            "--age-band", help=f"under-16, 16-24, 25-34, 35-44, 45-54, 55-64, 65+ (or an age); {_ANSWER}."
        ),
    ] = None,
    gender: Annotated[
        str | None, typer.Option("--gender", help=f"woman, man, non-binary, another-term; {_ANSWER}.")
    ] = None,
    ethnicity: Annotated[
        str | None,
        typer.Option(
            "--ethnicity",
            help='One of the 19 ONS 2021 census groups, by name or its start (indian, "white british", '
            f"caribbean, arab ...); {_ANSWER}.",
        ),
    ] = None,
    disability: Annotated[str | None, typer.Option("--disability", help=f"yes or no; {_ANSWER}.")] = None,
    postcode_district: Annotated[
        str | None,
        typer.Option(
            "--postcode-district",
            help="The first half of their postcode (LS6, M1, SW1A); a full postcode keeps only that half.",
        ),
    ] = None,
    asked: Annotated[
        str | None, typer.Option("--asked", help="The day they were asked (default: today).")
    ] = None,
    list_categories: Annotated[
        bool, typer.Option("--list-categories", help="List every answer each field accepts, and stop.")
    ] = False,
) -> None:
    """Record equality monitoring for someone, with their consent to it (separate from consent to contact).

    Special category data: it is shown only by show --monitoring and export
    --include-monitoring, counted in the report's "Who we reached" with every
    count under 5 suppressed, erased by forget. Each day asked is its own
    record; a field left out keeps its answer from the record before.
    """
    from keepgoing.core.monitoring import FIELDS, category_lines

    if list_categories:
        for line in category_lines():
            say(line)
        return
    if name is None:
        raise UsageError(messages.MONITOR_NOTHING_GIVEN)
    given = dict(zip(FIELDS, (age_band, gender, ethnicity, disability, postcode_district), strict=True))
    answers = {key: value for key, value in given.items() if value is not None}
    word = consent.strip().casefold() if consent is not None else None
    if word == "withdrawn":
        if answers or asked:
            raise UsageError(messages.MONITOR_WITHDRAW_WITH_ANSWERS)
        _withdraw(name)
        return
    if not answers and word is None:
        raise UsageError(messages.MONITOR_NOTHING_GIVEN)
    _record(name, word, answers, asked)


def _withdraw(name: str) -> None:
    """Their consent to monitoring withdrawn: it and every answer deleted."""
    from keepgoing.core.monitoring import withdraw_monitoring
    from keepgoing.text import plural

    who, records, held = withdraw_monitoring(open_store(), name)
    if not (records or held):
        say(messages.MONITOR_NOTHING_TO_WITHDRAW.format(name=user(who)))
        return
    say(messages.MONITOR_WITHDRAWN.format(name=user(who), records=plural(records, "record")))


def _record(name: str, word: str | None, answers: dict[str, str], asked: str | None) -> None:
    """A dated record of their answers (and their consent), and a line saying what changed."""
    from keepgoing.core.monitoring import FIELD_LABELS, label, record_monitoring
    from keepgoing.date_display import describe_day
    from keepgoing.dates import parse_when
    from keepgoing.settings import current_user

    now = clock.now()
    today = clock.local_today(now)
    day = parse_when(asked, today=today, dayfirst=dayfirst()).day if asked else today
    done = record_monitoring(
        open_store(),
        name,
        consent=word,
        answers=answers,
        asked_on=day,
        today=today,
        now=now,
        by=current_user(),
    )
    shown = describe_day(done.asked_on)
    if done.consent_on:
        say(
            messages.MONITOR_CONSENT_RECORDED.format(
                name=user(done.person), day=describe_day(done.consent_on)
            )
        )
    if not answers:
        if not done.consent_on:
            say(messages.MONITOR_UNCHANGED.format(name=user(done.person), day=shown))
        return
    assert done.record is not None
    what = ", ".join(
        f"{FIELD_LABELS[key].lower()} {label(key, done.record.answers[key])}" for key in done.changed
    )
    if done.new_record:
        say(messages.MONITOR_NEW_RECORD.format(name=user(done.person), day=shown, what=what or "as before"))
    elif done.changed:
        say(messages.MONITOR_RECORDED.format(name=user(done.person), day=shown, what=what))
    elif not done.consent_on:
        say(messages.MONITOR_UNCHANGED.format(name=user(done.person), day=shown))
