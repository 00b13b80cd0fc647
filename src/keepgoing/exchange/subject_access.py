"""Writing a subject access copy: a plain-English Markdown document and the same in JSON.

The two files go into one folder (by default a new one named for the person
and the day), each private (0600) and written whole or not at all. What is
in them is `core/subject_access.py`'s; this module only lays it out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from keepgoing import __version__
from keepgoing.core.subject_access import Disclosure, Item
from keepgoing.dates import describe_day, describe_when
from keepgoing.errors import BadInput
from keepgoing.exchange.markdown_pack import inline, quote


@dataclass
class Written:
    folder: Path
    files: list[Path]
    entries: int


def folder_name(person: str, day: date) -> str:
    """ "subject-access-sam-jones-2026-11-20": the person's name as letters, digits and hyphens."""
    slug = "-".join(re.findall(r"\w+", person.casefold()))[:60].strip("-_") or "person"
    return f"subject-access-{slug}-{day.isoformat()}"


def write_subject_access(disclosure: Disclosure, output: Path | None, *, force: bool) -> Written:
    """The Markdown and JSON files in `output` (a folder, made if missing; by default a new one here)."""
    from keepgoing.exchange.files import private_output
    from keepgoing.storage import make_private_dir

    day = disclosure.made_at.astimezone().date()
    name = folder_name(disclosure.person.name, day)
    folder = output if output is not None else Path.cwd() / name
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"{folder} is a file; --output names a folder for a subject access copy.")
    if output is None and folder.exists() and not force:
        raise BadInput(f"{folder} already exists; add --force to write into it again, or give --output.")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise BadInput(f"The folder {folder.parent} does not exist.")
        make_private_dir(folder)
    files = [folder / f"{name}.md", folder / f"{name}.json"]
    for path in files:
        if (path.exists() or path.is_symlink()) and not force:
            raise BadInput(f"{path} already exists; add --force to replace it.")
    texts = [markdown(disclosure), json.dumps(disclosure.to_json(), ensure_ascii=False, indent=2) + "\n"]
    for path, text in zip(files, texts, strict=True):
        with private_output(path, force=force) as out:
            out.write(text)
    entries = sum(len(s.items) for s in disclosure.sections)
    return Written(folder, files, entries)


def markdown(disclosure: Disclosure) -> str:
    made = disclosure.made_at.astimezone()
    lines = [
        f"# What we hold about {inline(disclosure.person.name)}",
        "",
        f"Written on {inline(describe_when(made.date(), made.time()))} by keepgoing {inline(__version__)}. "
        "This is everything our records hold about you. Where a note mentions someone else, their name "
        "and contact details are hidden (shown as \\[someone\\] or \\[contact details\\]) to protect their "
        'privacy, and other people at a conversation are shown as "another person".',
        "",
    ]
    for section in disclosure.sections:
        lines += [f"## {inline(section.title)}", "", inline(section.about), ""]
        if not section.items:
            lines += ["Nothing is held.", ""]
        for item in section.items:
            lines += _item(item)
    return "\n".join(lines).rstrip("\n") + "\n"


def _item(item: Item) -> list[str]:
    lines = [f"### {inline(item.title)}", ""]
    for key, value in item.values.items():
        if value is None or value == "":
            continue
        label = inline(key.replace("_", " ").capitalize())
        if isinstance(value, str) and "\n" in value:
            lines += [f"- {label}:", "", *["  " + line for line in quote(value)], ""]
        else:
            lines.append(f"- {label}: {inline(_shown(value))}")
    return [*lines, ""]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        local = value.astimezone()
        return describe_when(local.date(), local.time())
    if isinstance(value, date):
        return describe_day(value)
    return str(value)
