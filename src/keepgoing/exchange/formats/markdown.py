"""A hand-over pack in Markdown: what a colleague needs to pick up each relationship.

Valid CommonMark that reads as plain text in Notepad or an email, and user
text can never change its structure: only what Markdown would misread is
backslash-escaped ("Kerry-Ann", "Text:" and "(phone)" stay as typed; a
leading "# ", "- " or "1. ", emphasis, code, links, HTML and entities do
not), and multi-line notes become block quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from keepgoing import __version__
from keepgoing.core.person import Person
from keepgoing.date_display import describe_day, describe_moment, describe_rhythm
from keepgoing.exchange.selection import Selection, grouped, people_rows
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_date, as_datetime, stored_day, stored_instant
from keepgoing.text import plural, safe

if TYPE_CHECKING:
    from keepgoing.exchange.formats import ExportOptions

RECENT = 5
# Anywhere in a line: a backslash before punctuation (or at the end: a hard break), code
# spans, emphasis that is not a lone "*" between spaces or an "_" inside a word, a link's
# "](" / "][" / "]:", HTML and autolinks, entities, and GFM strikethrough.
_INLINE = re.compile(
    r"""\\(?=[!-/:-@\[-`{-~]|$)"""
    r"|`"
    r"|(?<!\s)\*|\*(?!\s)"
    r"|(?<![^\W_])_|_(?![^\W_])"
    r"|\](?=[(\[:])"
    r"|<(?=[A-Za-z/!?])"
    r"|&(?=#?\w+;)"
    r"|~"
)
# At the start of a block (a list item's text, a quoted line): headings, bullets, numbered
# items, quotes, and lines that would be a rule or a heading's underline.
_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+](?=\s|$)|>|\d{1,9}(?=[.)](?:\s|$))|[=-](?=[=\-\s]*$))")
# A heading's closing "#"s, which Markdown would drop.
_CLOSING_HASHES = re.compile(r"(?<=\s)(#+)$")
# A line that could be a table's delimiter row ("-|-", "|:--|"), under GFM.
_TABLE_RULE = re.compile(r"^[\s:|-]*\|[\s:|-]*$")


def inline(text: Any) -> str:
    """User text as one line of literal Markdown, escaped only where Markdown would misread it."""
    flat = " ".join(safe(str(text), inline=True).split())
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), flat)
    escaped = _BLOCK_START.sub(_escape_marker, escaped, count=1)
    if "-" in escaped and _TABLE_RULE.match(escaped):
        escaped = escaped.replace("|", "\\|")
    return _CLOSING_HASHES.sub(r"\\\1", escaped)


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group(0)
    if marker[0].isdigit():  # "1." or "1)": the punctuation after the number is escaped
        return marker + "\\"
    return "\\" + marker


def quote(text: str) -> list[str]:
    """User text as a block quote, line by line, each line literal."""
    return ["> " + (inline(line) if line.strip() else "") for line in text.splitlines()] or ["> "]


def write_markdown(
    store: Store,
    out: TextIO,
    selection: Selection,
    *,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
    title: str = "Hand-over pack",
    intro: str = "",
    recent: int = RECENT,
) -> dict[str, int]:
    """The pack for everyone in `selection`.

    `title` and `intro` are Markdown as given: callers escape any user text in them with `inline()`.
    """
    today = now.astimezone().date()
    aliases = grouped(store, "SELECT person_id AS pid, alias AS value FROM alias ORDER BY alias_key")
    tags = grouped(store, "SELECT person_id AS pid, tag AS value FROM person_tag ORDER BY tag")
    # The people every export format selects (archived people too, as in JSON and CSV).
    people = list(people_rows(store, selection))
    counts = {"people": 0, "follow_ups": 0}
    out.write(f"# {title}\n\n")
    if intro:
        out.write(f"{intro}\n\n")
    out.write(f"Exported {describe_day(today)} from keepgoing {__version__}. ")
    count = plural(len(people), "person")
    out.write(f"{count}; in the summary, soonest due first.\n\n")
    out.write("## Summary\n\n")
    for row in sorted(people, key=lambda r: (stored_day(r["due_on"]), r["name_key"])):
        state = _state(Person.from_row(row), today)
        out.write(
            f"- {inline(selection.name(row['id'], _label(row)))}: {describe_rhythm(row['cadence_days'])}, {state}\n"
        )
    for row in people:
        out.write("\n")
        _person(
            store,
            out,
            row,
            aliases.get(row["id"], []),
            tags.get(row["id"], []),
            selection,
            today,
            counts,
            recent,
        )
        counts["people"] += 1
        tick()
    return counts


def _label(row: Any) -> str:
    """How a person is shown: "John Smith (Food bank)" when someone else has their name."""
    from keepgoing.core.person import label

    return label(row["name"], row["name_key"], row["organisation"])


def _state(person: Person, today: date) -> str:
    """Where they stand in the summary, by the meaning of due that `due` uses."""
    status = person.status(today)
    if status == "archived":
        return "archived"
    if status == "paused" and person.paused_until:
        return f"paused until {describe_day(person.paused_until)}"
    if not person.is_active(today):
        return "consent withdrawn, never due"
    return "due now" if person.is_due(today) else f"next due {describe_day(person.due_on)}"


def _consent(row: Any, selection: Selection) -> list[tuple[str, Any]]:
    """Consent to be contacted: status, how, since when, their terms, and when to ask again."""
    if not row["consent"] and not row["consent_review_on"]:
        return []
    status = row["consent"] or "not recorded"
    if row["consent"] == "withdrawn":
        status = "withdrawn: do not contact"
    if row["consent_on"]:
        status += f", since {describe_day(stored_day(row['consent_on']))}"
    channels = (row["consent_channels"] or "").replace(",", ", ")
    review = as_date(row["consent_review_on"])
    return [
        ("Consent", status),
        ("Consent channels", channels),
        ("Their terms", selection.text(row["consent_note"])),
        ("Consent review", describe_day(review) if review else None),
    ]


def _person(
    store: Store,
    out: TextIO,
    row: Any,
    aliases: list[str],
    tags: list[str],
    selection: Selection,
    today: date,
    counts: dict[str, int],
    recent_count: int,
) -> None:
    archived = as_datetime(row["archived_at"])
    mark = " (archived)" if archived is not None else ""
    out.write(f"## {inline(selection.name(row['id'], _label(row)))}{mark}\n\n")
    facts = [
        ("Also known as", ", ".join(selection.private(aliases) or [])),
        ("Organisation", row["organisation"]),
        ("Role", row["role"]),
        ("Prefers", row["prefers"]),
        ("Phone", selection.private(row["phone"])),
        ("Email", selection.private(row["email"])),
        ("Tags", ", ".join(tags)),
        ("Rhythm", describe_rhythm(row["cadence_days"])),
        ("Key worker", row["worker"]),
        ("Groups", ", ".join(_groups(store, row["id"], selection))),
    ]
    last = as_datetime(row["last_contact_at"])
    facts.append(
        (
            "Last contact",
            f"{describe_day(last.astimezone().date())} ({row['last_contact_via']})" if last else "never",
        )
    )
    if archived is not None:
        facts.append(("Archived", describe_day(archived.astimezone().date())))
    else:
        facts.append(("Next due", describe_day(stored_day(row["due_on"]))))
    if row["paused_until"] and stored_day(row["paused_until"]) > today:
        facts.append(("Paused until", describe_day(stored_day(row["paused_until"]))))
    facts.extend(_consent(row, selection))
    if not selection.anonymise:
        from keepgoing.core.wellbeing import describe_trend, recent_scores

        facts.append(("Wellbeing", describe_trend(recent_scores(store, row["id"], limit=5))))
    for label, value in facts:
        if value:
            out.write(f"- **{label}:** {inline(value)}\n")
    note = selection.text(row["note"])
    lasting = [
        selection.text(item["text"])
        for item in store.rows(
            "SELECT text FROM person_note WHERE person_id = :p ORDER BY created_at, id", {"p": row["id"]}
        )
    ]
    lasting = [text for text in lasting if text]
    if note or lasting:
        out.write("\n### What matters to them\n\n")
        blocks = ["\n".join(quote(text)) for text in ([note] if note else []) + lasting if text]
        out.write("\n\n".join(blocks) + "\n")
    open_items = store.rows(
        "SELECT id, text, due_on, worker FROM follow_up WHERE person_id = :p AND done_at IS NULL AND cancelled_at IS NULL "
        "ORDER BY due_on ASC NULLS LAST, id",
        {"p": row["id"]},
    )
    if open_items:
        out.write("\n### Open follow-ups\n\n")
        for item in open_items:
            due = f" (due {describe_day(stored_day(item['due_on']))})" if item["due_on"] else ""
            text = selection.text(item["text"]) or "follow-up"
            whose = f" ({inline(item['worker'])}'s)" if item["worker"] else ""
            out.write(f"- {inline(text)}{due}{whose}\n")
            counts["follow_ups"] += 1
    _ideas_and_wins(store, out, row["id"], selection)
    recent = store.rows(
        "SELECT c.id, c.occurred_at, c.time_given, c.via, c.reached, c.note, c.logged_by, c.group_id, "
        "g.name AS group_name FROM conversation c JOIN conversation_person cp ON cp.conversation_id = c.id "
        "LEFT JOIN community_group g ON g.id = c.group_id WHERE cp.person_id = :p ORDER BY c.occurred_at DESC, c.id DESC LIMIT :n",
        {"p": row["id"], "n": recent_count},
    )
    if recent:
        out.write("\n### Recent conversations\n\n")
        for item in recent:
            day = describe_moment(stored_instant(item["occurred_at"]), bool(item["time_given"]))
            others = [
                selection.name(r["id"], r["name"])
                for r in store.rows(
                    "SELECT p.id, p.name FROM conversation_person cp JOIN person p ON p.id = cp.person_id "
                    "WHERE cp.conversation_id = :c AND cp.person_id <> :p ORDER BY p.name_key",
                    {"c": item["id"], "p": row["id"]},
                )
            ]
            with_text = f", with {inline(', '.join(others))}" if others else ""
            by = f", logged by {inline(item['logged_by'])}" if item["logged_by"] else ""
            tried = "" if item["reached"] else " (tried, no answer)"
            at = (
                f", at {inline(selection.group(item['group_id'], item['group_name']))}"
                if item["group_id"]
                else ""
            )
            out.write(f"- **{day}**, {item['via']}{tried}{at}{with_text}{by}\n")
            note = selection.text(item["note"])
            if note:
                out.write("\n" + "\n".join("  " + line for line in quote(note)) + "\n\n")


def _groups(store: Store, person_id: int, selection: Selection) -> list[str]:
    """The groups they are a member of, by name."""
    return [
        selection.group(r["id"], r["name"])
        for r in store.rows(
            "SELECT g.id, g.name FROM group_member m JOIN community_group g ON g.id = m.group_id "
            "WHERE m.person_id = :p AND g.archived_at IS NULL ORDER BY g.name_key",
            {"p": person_id},
        )
    ]


def _ideas_and_wins(store: Store, out: TextIO, person_id: int, selection: Selection) -> None:
    """Their ideas still open (or in progress), and the small wins they were part of lately."""
    ideas = store.rows(
        "SELECT id, text, status FROM idea WHERE person_id = :p AND status IN ('open', 'in-progress') "
        "ORDER BY created_at, id",
        {"p": person_id},
    )
    shown = [(item, selection.text(item["text"])) for item in ideas]
    if any(text for _, text in shown):
        out.write("\n### Open ideas\n\n")
        for item, text in shown:
            if text:
                progress = " (in progress)" if item["status"] == "in-progress" else ""
                out.write(f"- {inline(text)} (idea #{item['id']}){progress}\n")
    wins = store.rows(
        "SELECT w.id, w.text, w.occurred_at FROM win w JOIN win_person wp ON wp.win_id = w.id "
        "WHERE wp.person_id = :p ORDER BY w.occurred_at DESC, w.id DESC LIMIT :n",
        {"p": person_id, "n": RECENT},
    )
    shown = [(item, selection.text(item["text"])) for item in wins]
    if any(text for _, text in shown):
        out.write("\n### Recent wins\n\n")
        for item, text in shown:
            if text:
                day = describe_day(stored_instant(item["occurred_at"]).astimezone().date())
                out.write(f"- **{day}**: {inline(text)}\n")


def export(store: Store, out: TextIO, selection: Selection, options: ExportOptions) -> dict[str, int]:
    return write_markdown(store, out, selection, now=options.now, tick=options.tick)
