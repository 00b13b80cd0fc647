"""vCard (3.0 and 4.0) address books in: one person per card."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from keepgoing.exchange.importing import ImportProblem, first_line

if TYPE_CHECKING:
    from keepgoing.exchange.importing import Importer, ImportJob, ImportReport


def read(path: Path, job: ImportJob) -> ImportReport:
    from keepgoing.bounded_input import MAX_VCARD_BYTES

    return job.run_text(
        path, MAX_VCARD_BYTES, lambda importer, text: read_cards(importer, text, path.name, job.tick)
    )


# Photos, logos, sounds and keys: never imported, and a single folded PHOTO of
# 32 MB took vobject 4.5 GB; they are left out before a card reaches it.
BINARY = frozenset(("photo", "logo", "sound", "key"))
_PROPERTY = re.compile(r"(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]")


def _vcards(text: TextIO, name: str) -> Iterator[tuple[int, str]]:
    """Each top-level BEGIN ... END block (its first line, its text), without binary properties.

    Read a line at a time, so only one card is ever held; a card still larger
    than `MAX_VCARD_CARD` without them is refused.
    """
    from keepgoing.bounded_input import MAX_VCARD_CARD

    depth, start, held, skipping = 0, 0, 0, False
    card: list[str] = []
    for number, line in enumerate(text, 1):
        found = _PROPERTY.match(line)
        if skipping:
            # The rest of a left-out property: folded lines, or vCard 2.1's bare base64 lines.
            if _continues(line, found):
                continue
            skipping = False
        word = line.strip().upper()
        if depth == 0:
            if not word:
                continue
            if not word.startswith("BEGIN:"):
                raise ImportProblem(
                    f"{name}, line {number}: not a readable vCard (no BEGIN:VCARD before it)."
                )
            start, held, card = number, 0, []
        if found and found[1].casefold() in BINARY:
            skipping = True
            continue
        card.append(line)
        held += len(line)
        if held > MAX_VCARD_CARD:
            raise ImportProblem(
                f"{name}, card at line {start}: more than {MAX_VCARD_CARD // 1024**2} MB without its photo, "
                "logo, sound and key; this is not an address book keepgoing can read."
            )
        change = _nesting(found, word)
        depth += change
        if change < 0 and depth == 0:
            yield start, "".join(card)
    if depth:
        yield start, "".join(card)  # unfinished: vobject says what is missing


def _continues(line: str, found: re.Match[str] | None) -> bool:
    """Whether a line is more of a left-out property: folded, or vCard 2.1's bare base64."""
    return line[:1] in (" ", "\t") or (not found and bool(line.strip()))


def _nesting(found: re.Match[str] | None, word: str) -> int:
    """+1 for a line opening a block (BEGIN:), -1 for one closing it (END:), else 0."""
    if not found:
        return 0
    if word.startswith("BEGIN:"):
        return 1
    return -1 if word.startswith("END:") else 0


def read_cards(importer: Importer, text: TextIO, name: str, tick: Callable[[], None]) -> None:
    import vobject
    from vobject.base import ParseError

    cards = 0
    start = 0
    try:
        for number, (card_start, card_text) in enumerate(_vcards(text, name), 1):
            start = card_start
            card = vobject.readOne(card_text, ignoreUnreadable=False)
            if card.name != "VCARD":
                raise ImportProblem(f"{name}: item {number} is a {card.name}, not a vCard.")
            importer.person(_card_fields(card), f"{name}, card {number}")
            cards += 1
            tick()
    except ParseError as exc:
        line = getattr(exc, "lineNumber", None)
        at = f", line {start + line - 1}" if line else ""
        raise ImportProblem(f"{name}{at}: not a readable vCard ({first_line(exc)}).") from None
    except ImportProblem:
        raise
    except Exception as exc:  # vobject raises assorted errors on malformed cards
        raise ImportProblem(f"{name}: not a readable vCard ({type(exc).__name__}).") from None
    if not cards:
        raise ImportProblem(f"{name}: no vCards found.")


def _card_fields(card: Any) -> dict[str, Any]:
    def first(key: str) -> Any:
        items = card.contents.get(key)
        return items[0].value if items else None

    name = first("fn")
    if not name and first("n") is not None:
        n = first("n")
        name = " ".join(part for part in (n.prefix, n.given, n.additional, n.family, n.suffix) if part)
    if not name:
        name = first("org")
        name = " ".join(name) if isinstance(name, list) else name
    phone = first("tel")
    if isinstance(phone, str) and phone.lower().startswith("tel:"):
        # A tel: URI (vCard 4.0): the number, then ;ext=102 and other parameters.
        number, *parameters = phone[4:].split(";")
        extension = next((p[4:] for p in parameters if p.lower().startswith("ext=")), None)
        phone = f"{number} ext. {extension}" if extension else number
    org = first("org")
    if isinstance(org, list):
        org = " / ".join(part for part in org if part)
    tags: list[str] = []
    for item in card.contents.get("categories", []):
        value = item.value
        tags.extend(value if isinstance(value, list) else [value])
    aliases: list[str] = []
    for item in card.contents.get("nickname", []):
        aliases.extend(part.strip() for part in str(item.value).split(",") if part.strip())
    return {
        "name": name,
        "email": first("email"),
        "phone": phone,
        "organisation": org or None,
        "role": first("title"),
        "note": first("note"),
        "tags": [t for t in tags if t and t.strip()],
        "aliases": aliases,
    }
