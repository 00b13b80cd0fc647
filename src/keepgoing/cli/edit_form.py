"""`keepgoing edit NAME --form`: a person's details as a TOML form in the user's text editor.

The form is written with tomlkit (comments and multi-line notes kept
readable) and read back with tomllib. Only what the user changed is saved,
and only if nobody else saved a change to the person while the form was open.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from keepgoing.core.person import Person
from keepgoing.date_display import rhythm_name
from keepgoing.dates import parse_duration
from keepgoing.errors import BadInput

TEXT_FIELDS = ("name", "organisation", "role", "phone", "email", "prefers", "worker", "note")
LIST_FIELDS = ("aliases", "tags")
FIELDS = (*TEXT_FIELDS[:1], "aliases", *TEXT_FIELDS[1:6], "rhythm", "tags", *TEXT_FIELDS[6:])


def rhythm_text(days: int) -> str:
    return rhythm_name(days) or (f"{days // 7}w" if days % 7 == 0 else f"{days}d")


def current_values(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "aliases": list(person.aliases),
        "organisation": person.organisation or "",
        "role": person.role or "",
        "phone": person.phone or "",
        "email": person.email or "",
        "prefers": person.prefers or "",
        "rhythm": rhythm_text(person.cadence_days),
        "tags": list(person.tags),
        "worker": person.worker or "",
        "note": person.note or "",
    }


def render_form(person: Person) -> str:
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Editing {person.name} (version {person.version}). Change what you like,"))
    doc.add(tomlkit.comment('then save and close. An empty value ("") clears it.'))
    doc.add(tomlkit.comment("Close without saving, or change nothing, and nothing is saved."))
    doc.add(tomlkit.nl())
    hints = {
        "prefers": "phone, video, email, text, cuppa or other",
        "rhythm": "10d, 2w, 1m, weekly, fortnightly or monthly",
        "worker": "their key worker in a team store",
    }
    for key, value in current_values(person).items():
        if key == "note" and "\n" in value:
            item = tomlkit.string(value if value.endswith("\n") else value + "\n", multiline=True)
        else:
            item = tomlkit.item(value)
        if key in hints:
            item.comment(hints[key])
        doc.add(key, item)
    return tomlkit.dumps(doc)


def check_value(key: str, value: str) -> Any:
    """One field's new value from the form, checked as `edit` would; BadInput says what is wrong."""
    from keepgoing.core.person_fields import DETAIL_CHECKS
    from keepgoing.text import clean_name, clean_tag, worker_key

    if key == "rhythm":
        return parse_duration(value)
    if key == "name":
        return clean_name(value)
    if key == "worker":
        return worker_key(value) if value.strip() else ""
    if key == "aliases":
        return clean_name(value, "alias")
    if key == "tags":
        return clean_tag(value)
    DETAIL_CHECKS[key](value)
    return value


def read_form(text: str, person: Person, problems: dict[str, str] | None = None) -> dict[str, Any]:
    """What changed, as keyword arguments for `edit_person` (empty: nothing changed).

    With `problems`, a value that does not pass its check is left out of the changes
    and its message kept there by field (to ask again); without, the first one is refused.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"The form is not valid any more ({exc}); nothing was saved.") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadInput(f"The form has a field keepgoing does not know: {unknown[0]}; nothing was saved.")
    before = current_values(person)
    changes: dict[str, Any] = {}
    for key in FIELDS:
        if key not in data:
            continue  # a deleted line leaves the field as it was
        read = _read_list if key in LIST_FIELDS else _read_text
        changes.update(read(key, data[key], before[key], problems))
    return changes


def _read_list(key: str, value: Any, before: list[str], problems: dict[str, str] | None) -> dict[str, Any]:
    """A list field's change: the items added (those that pass their check) and removed."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f'{key} must be a list of words in quotes, like ["a", "b"]; nothing was saved.')
    old = {v.casefold(): v for v in before}
    new = {v.strip().casefold(): v.strip() for v in value if v.strip()}
    added = [v for k, v in new.items() if k not in old and _passes(key, v, problems, f"{key}:{v}")]
    removed = [v for k, v in old.items() if k not in new]
    return {name: items for name, items in ((f"add_{key}", added), (f"remove_{key}", removed)) if items}


def _read_text(key: str, value: Any, before: str, problems: dict[str, str] | None) -> dict[str, Any]:
    """A text field's change, if it changed and passes its check."""
    if not isinstance(value, str):
        raise BadInput(f"{key} must be text in quotes; nothing was saved.")
    if value.strip() == before.strip() or not _passes(key, value, problems, key):
        return {}
    if key == "rhythm":
        return {"cadence_days": parse_duration(value)}
    return {key: value}


def _passes(key: str, value: str, problems: dict[str, str] | None, where: str) -> bool:
    """Whether the value passes its check; a failure is kept in `problems` by `where`, if given."""
    if problems is None:
        return True
    try:
        check_value(key, value)
    except BadInput as exc:
        problems[where] = str(exc)
        return False
    return True


def ask_again(changes: dict[str, Any], problems: dict[str, str], ask: Any, warn: Any) -> None:
    """At a terminal: each field that did not pass its check, asked for again; Enter keeps it as it was.

    The other edits in the form stay in `changes` meanwhile.
    """
    from keepgoing import messages

    for where, problem in problems.items():
        key, _, item = where.partition(":")
        warn(problem)
        while True:
            question = messages.FORM_ITEM_AGAIN if item else messages.FORM_FIELD_AGAIN
            answer = ask(question.format(field=key, item=item), default="")
            if not answer.strip():
                break  # as it was
            try:
                checked = check_value(key, answer)
            except BadInput as exc:
                warn(str(exc))
                continue
            if key in LIST_FIELDS:
                changes.setdefault(f"add_{key}", []).append(answer.strip())
            elif key == "rhythm":
                changes["cadence_days"] = checked
            else:
                changes[key] = answer
            break
    problems.clear()


def edit_in_editor(text: str) -> str | None:
    """Open `text` in $VISUAL or $EDITOR; the saved text, or None if the file was left unchanged."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "nano"
    # mkstemp makes the file 0600: the form holds someone's personal details.
    fd, name = tempfile.mkstemp(prefix="keepgoing-", suffix=".toml")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        before = path.stat().st_mtime_ns
        try:
            code = subprocess.call([*shlex.split(editor), name])
        except OSError as exc:
            raise BadInput(f"Could not start the editor {editor!r} ({exc.strerror}); set EDITOR.") from None
        if code != 0:
            raise BadInput(f"The editor {editor!r} stopped with an error; nothing was saved.")
        saved = path.read_text(encoding="utf-8")
        if path.stat().st_mtime_ns == before and saved == text:
            return None
        return saved
    finally:
        path.unlink(missing_ok=True)
