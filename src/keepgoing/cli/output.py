"""Writing to the terminal: plain lines, JSON, and errors. Rich stays out of here.

One-line echoes and JSON are written with plain `print` so that `log` and
`due --json` never pay for importing Rich; tables live in `render`.
"""

from __future__ import annotations

import re
import sys
from typing import Any

# json.dumps escapes C0 controls itself; these can still drive a terminal or hide
# text, so they are written as \\u escapes too (still valid, identical JSON).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def say(line: str) -> None:
    """One line for the user. Callers pass user text through `user()` first."""
    print(line, flush=True)


def user(text: str | None) -> str:
    """User text for a one-line echo: shown literally, never able to drive the terminal."""
    from keepgoing.text import safe  # not at import: `--help` never needs it (it reaches storage)

    return safe(text or "", inline=True)


def warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def error(message: str) -> None:
    from keepgoing.text import safe

    print(f"Error: {safe(message, inline=True)}", file=sys.stderr, flush=True)


def dumps(data: Any, *, indent: int | None = None) -> str:
    # Indented JSON goes through json's slow pure-Python encoder, so only a
    # person at a terminal gets it; pipes get the compact form.
    import json  # only JSON output pays for it: log and the tables never need it

    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def emit_json(data: Any) -> None:
    sys.stdout.write(dumps(data, indent=2 if sys.stdout.isatty() else None) + "\n")
    sys.stdout.flush()


def join_names(names: list[str]) -> str:
    """ "Ann", "Ann and Bob", "Ann, Bob and Cy"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def warn_withdrawn(people: list) -> None:
    """One line on stderr for each person who asked not to be contacted, or who is archived.

    The record is still kept (history matters, and they may have called us).
    """
    from keepgoing import messages
    from keepgoing.date_display import describe_day

    for person in people:
        if person.consent == "withdrawn":
            since = f" on {describe_day(person.consent_on)}" if person.consent_on else ""
            note = f" ({user(person.consent_note)})" if person.consent_note else ""
            warn(messages.CONSENT_WITHDRAWN_WARNING.format(name=user(person.name), since=since, note=note))
        if person.archived_at is not None:
            warn(messages.ARCHIVED_WARNING.format(name=user(person.name), quoted=quoted(person.name)))


def quoted(name: str) -> str:
    """A name as it must be typed in a shell to reach keepgoing as one word."""
    import shlex

    return shlex.quote(name)


def to_terminal() -> bool:
    """Whether stdout is a person's terminal rather than a file or a pipe."""
    return sys.stdout.isatty()


class TerminalSafe:
    """A text stream for a terminal: user text written through it cannot drive the terminal.

    Control characters (escape sequences, clipboard writes, bidi overrides)
    are shown as visible escapes, as the tables show them; newlines and tabs
    stay. Files and pipes get the exact text instead.
    """

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> int:
        from keepgoing.text import safe

        return self.stream.write(safe(text.replace("\r\n", "\n")))

    def flush(self) -> None:
        self.stream.flush()
