"""Understanding a sentence about a conversation: who, how and when.

"cuppa with Sam and Priya at the hub yesterday, talked about the allotment"
gives Sam Okafor and Priya Shah, a cuppa, yesterday, and the sentence as the
note. Known names and aliases are found whole; a single word that could be
several people is refused with the candidates, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from keepgoing.dates import When, parse_when
from keepgoing.errors import Ambiguous, BadInput
from keepgoing.storage import Store
from keepgoing.text import clean, fold

CHANNEL_WORDS = {
    "cuppa": "cuppa", "coffee": "cuppa", "tea": "cuppa", "cafe": "cuppa", "met": "cuppa", "visited": "cuppa",
    "visit": "cuppa", "lunch": "cuppa", "walk": "cuppa",
    "phone": "phone", "phoned": "phone", "call": "phone", "called": "phone", "rang": "phone", "ring": "phone",
    "video": "video", "zoom": "video", "teams": "video", "facetime": "video",
    "text": "text", "texted": "text", "sms": "text", "whatsapp": "text", "messaged": "text",
    "email": "email", "emailed": "email",
}  # fmt: skip

_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_WHEN_PATTERNS = [
    r"\b(?:the day before yesterday)\b",
    r"\byesterday\b",
    r"\btoday\b|\bthis (?:morning|afternoon|evening)\b",
    r"\b\d{1,4} (?:days?|weeks?) ago\b",
    r"\b(?:a|an|one|two|three) (?:days?|weeks?) ago\b",
    rf"\blast {_WEEKDAY}\b",
    rf"\bon {_WEEKDAY}\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\bon \d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
]


@dataclass
class Heard:
    names: list[str]
    via: str
    when: When
    note: str


def _when(text: str, today) -> When:
    lowered = text.casefold()
    for pattern in _WHEN_PATTERNS:
        match = re.search(pattern, lowered)
        if match:
            phrase = match[0]
            if phrase.startswith("on "):
                phrase = phrase[3:]
            if phrase.startswith("this "):
                phrase = "today"
            if phrase == "the day before yesterday":
                phrase = "2 days ago"
            return parse_when(phrase, today=today, prefer="past")
    return When(today)


def understand(
    store: Store, text: str, *, today, choose: Callable[[str, list[str]], str] | None = None
) -> Heard:
    """What the sentence says. `choose(word, candidates)` is asked when a word could be
    several people (the CLI asks the person at the terminal); without it, that is an error."""
    text = clean(text, "note")
    if not text:
        raise BadInput("Tell me what happened: who, how and when.")
    folded = fold(text)
    words = re.findall(r"\w+", folded)
    via = next((CHANNEL_WORDS[w] for w in words if w in CHANNEL_WORDS), "other")
    when = _when(text, today)
    keys: list[tuple[str, int, str]] = [
        (fold(r["k"]), r["id"], r["name"])
        for r in store.rows(
            "SELECT id, name, name_key AS k FROM person WHERE archived_at IS NULL UNION ALL "
            "SELECT p.id, p.name, a.alias_key AS k FROM alias a JOIN person p ON p.id = a.person_id "
            "WHERE p.archived_at IS NULL"
        )
    ]
    found: dict[int, str] = {}
    position: dict[int, int] = {}
    remaining = folded
    # Whole names and aliases first, longest first, so "Sam Okafor" beats "Sam".
    for key, pid, name in sorted(keys, key=lambda k: -len(k[0])):
        pattern = rf"(?<!\w){re.escape(key)}(?!\w)"
        match = re.search(pattern, remaining)
        if match:
            found[pid] = name
            position.setdefault(pid, match.start())
            remaining = re.sub(pattern, lambda m: " " * len(m[0]), remaining)  # keep positions
    # Then single words that are part of exactly one person's name.
    by_word: dict[str, dict[int, str]] = {}
    for key, pid, name in keys:
        for word in key.split():
            if len(word) >= 2:
                by_word.setdefault(word, {})[pid] = name
    for match in re.finditer(r"\w+", remaining):
        word = match[0]
        people = by_word.get(word)
        if not people or all(pid in found for pid in people):
            continue
        if len(people) > 1:
            names = sorted(set(people.values()))
            if choose is None:
                raise Ambiguous(
                    f'"{word}" could be {", ".join(names)}: say which, with more of the name.', names
                )
            chosen = choose(word, names)
            people = {pid: name for pid, name in people.items() if name == chosen}
        found.update(people)
        for pid in people:
            position.setdefault(pid, match.start())
    if not found:
        raise BadInput("I couldn't find anyone you know in that; name them as they are in keepgoing people.")
    ordered = sorted(found, key=lambda pid: position.get(pid, 0))  # in the order the sentence names them
    return Heard([found[pid] for pid in ordered], via, when, text)
