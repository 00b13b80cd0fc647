"""Writing a subject access copy: a plain-English document in Markdown and in HTML, and the same in JSON.

The three files go into one folder (by default a new one named for the
person and the day), each private (0600) and written whole or not at all.
What is in them is `core/subject_access.py`'s; this module only lays it out.
The Markdown and the HTML page are made from the same rows (`_rows`), so
they hold the same facts; the page is standalone (its style inline, no
scripts, no remote loads) and all user text in it goes through Jinja2's
autoescaping, made harmless for a terminal first as in the Markdown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from keepgoing import __version__
from keepgoing.core.subject_access import Disclosure, Item
from keepgoing.date_display import describe_day, describe_when
from keepgoing.errors import BadInput
from keepgoing.exchange.formats.markdown import inline, quote
from keepgoing.text import safe

INTRO = (
    "This is everything our records hold about you. Where a note mentions someone else, their name "
    "and contact details are hidden (shown as [someone] or [contact details]) to protect their "
    'privacy, and other people at a conversation are shown as "another person".'
)


@dataclass
class Written:
    """The subject access copy's folder, the files written in it, and how many entries they hold."""

    folder: Path
    files: list[Path]
    entries: int


def folder_name(person: str, day: date) -> str:
    """ "subject-access-sam-jones-2026-11-20": the person's name as letters, digits and hyphens."""
    slug = "-".join(re.findall(r"\w+", person.casefold()))[:60].strip("-_") or "person"
    return f"subject-access-{slug}-{day.isoformat()}"


def write_subject_access(disclosure: Disclosure, output: Path | None, *, force: bool) -> Written:
    """The Markdown, HTML and JSON files in `output` (a folder, made if missing; by default a new one here)."""
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
    files = [folder / f"{name}.md", folder / f"{name}.html", folder / f"{name}.json"]
    for path in files:
        if (path.exists() or path.is_symlink()) and not force:
            raise BadInput(f"{path} already exists; add --force to replace it.")
    texts = [
        markdown(disclosure),
        html(disclosure),
        json.dumps(disclosure.to_json(), ensure_ascii=False, indent=2) + "\n",
    ]
    for path, text in zip(files, texts, strict=True):
        with private_output(path, force=force) as out:
            out.write(text)
    entries = sum(len(s.items) for s in disclosure.sections)
    return Written(folder, files, entries)


def markdown(disclosure: Disclosure) -> str:
    lines = [
        f"# What we hold about {inline(disclosure.person.name)}",
        "",
        f"{_written(disclosure, inline)} " + INTRO.replace("[", "\\[").replace("]", "\\]"),
        "",
    ]
    for section in disclosure.sections:
        lines += [f"## {inline(section.title)}", "", inline(section.about), ""]
        if not section.items:
            lines += ["Nothing is held.", ""]
        for item in section.items:
            lines += _item(item)
    return "\n".join(lines).rstrip("\n") + "\n"


def _rows(item: Item) -> list[tuple[str, str]]:
    """An entry's values as (label, text) for a reader: empty ones left out, each as a person would say it."""
    return [
        (key.replace("_", " ").capitalize(), _shown(value))
        for key, value in item.values.items()
        if value is not None and value != ""
    ]


def _item(item: Item) -> list[str]:
    lines = [f"### {inline(item.title)}", ""]
    for label, text in _rows(item):
        if "\n" in text:
            lines += [f"- {inline(label)}:", "", *["  " + line for line in quote(text)], ""]
        else:
            lines.append(f"- {inline(label)}: {inline(text)}")
    return [*lines, ""]


def _written(disclosure: Disclosure, escape: Callable[[str], str]) -> str:
    made = disclosure.made_at.astimezone()
    return f"Written on {escape(describe_when(made.date(), made.time()))} by keepgoing {escape(__version__)}."


def html(disclosure: Disclosure) -> str:
    """The same document as one standalone HTML page: every user text escaped, no scripts."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    pages = PackageLoader("keepgoing.exchange", "templates")
    environment = Environment(loader=pages, autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    environment.lstrip_blocks = True
    sections = [
        {
            "title": _line(section.title),
            "about": _line(section.about),
            "items": [
                {
                    "title": _line(item.title),
                    "rows": [(_line(label), safe(text).splitlines()) for label, text in _rows(item)],
                }
                for item in section.items
            ],
        }
        for section in disclosure.sections
    ]
    return environment.get_template("subject_access.html.j2").render(
        title=f"What we hold about {_line(disclosure.person.name)}",
        written=_written(disclosure, _line),
        intro=INTRO,
        sections=sections,
        version=__version__,
    )


def _line(text: str) -> str:
    """User text on one line with nothing a terminal or a page would act on (the page escapes the rest)."""
    return " ".join(safe(str(text), inline=True).split())


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        local = value.astimezone()
        return describe_when(local.date(), local.time())
    if isinstance(value, date):
        return describe_day(value)
    return str(value)
