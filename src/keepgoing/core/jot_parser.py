"""Understanding a sentence about a conversation: who, how and when.

"cuppa with Sam and Priya at the hub yesterday, talked about the allotment"
gives Sam Okafor and Priya Shah, a cuppa, yesterday, and the sentence as the
note.

A word is a person only when it is written as a name: a whole name or alias,
or one word of a single person's name, never a function word ("with",
"back"), and, where the sentence uses capitals, only when capitalised
("she will call back" is not Will Brown). A name that is also an everyday
word (Will, Joy, Grace, Rose, Mark, Bill) is certain only when capitalised
mid-sentence. Anything less than certain, or a word that could be several
people, is asked about on a terminal (`choose`) and refused off one: never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from keepgoing.dates import parse_when
from keepgoing.errors import Ambiguous, BadInput
from keepgoing.moment import When
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


# Words that never name anyone on their own, however a vCard spells a name.
FUNCTION_WORDS = frozenset(
    """a about after again all also am an and any are as at back be been before being but by can
    could did do does for from had has have he her here him his how i if in into is it its just
    me my no not now of off on once only or our out over she so some than that the their them
    then there they this to too up us very was we were what when where which while who with
    would you your yes ok okay re via per""".split()
)
# Names that are everyday words too: only a capital mid-sentence makes them a name.
NAME_WORDS = frozenset(
    """will joy grace rose mark bill may june april hope faith pat sue don dawn summer amber ruby
    jack frank rich sunny violet holly ivy lily daisy iris heather olive pearl robin jay drew guy
    gene nick art ray sky rob chip wade reed penny patience honor honour mercy glen dale cliff
    carol chase hunter august victor""".split()
)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass
class _Token:
    """A word of the sentence: where it stands, whether it is capitalised or opens a sentence."""

    text: str
    key: str  # folded
    start: int
    capital: bool
    opens: bool  # first word of the text or of a sentence


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        before = text[: match.start()].rstrip()
        word = re.sub(r"['’]s$", "", match[0])  # "Zoe's" is Zoe
        tokens.append(
            _Token(word, fold(word), match.start(), word[:1].isupper(), not before or before[-1] in ".!?\n")
        )
    return tokens


def _as_written(run: list[_Token], capitals: bool) -> bool:
    """Written as a name: capitalised where the sentence has capitals, and not only at its start."""
    if all(t.key in FUNCTION_WORDS for t in run):
        return False
    return not capitals or all(t.capital for t in run)


def _known_names(store: Store) -> list[tuple[list[str], int, str]]:
    """(name words, id, name) of every name and alias of everyone not archived."""
    return [
        (fold(r["k"]).split(), r["id"], r["name"])
        for r in store.rows(
            "SELECT id, name, name_key AS k FROM person WHERE archived_at IS NULL UNION ALL "
            "SELECT p.id, p.name, a.alias_key AS k FROM alias a JOIN person p ON p.id = a.person_id "
            "WHERE p.archived_at IS NULL"
        )
    ]


def _whole_names(
    names: list[tuple[list[str], int, str]], tokens: list[_Token], capitals: bool
) -> tuple[dict[int, str], dict[int, int], set[int]]:
    """(who, where, the tokens used) for whole names and aliases of two words or more, longest
    first ("Sam Okafor" beats "Sam")."""
    used: set[int] = set()
    found: dict[int, str] = {}
    position: dict[int, int] = {}
    for words, pid, name in sorted(names, key=lambda n: -len(n[0])):
        if len(words) < 2:
            continue
        for i in range(len(tokens) - len(words) + 1):
            run = tokens[i : i + len(words)]
            if any(j in used for j in range(i, i + len(words))) or [t.key for t in run] != words:
                continue
            if _as_written(run, capitals):
                found[pid] = name
                position.setdefault(pid, run[0].start)
                used.update(range(i, i + len(words)))
    return found, position, used


def _one_word_pick(
    token: _Token, people: dict[int, str], choose: Callable[[str, list[str]], str] | None
) -> dict[int, str]:
    """Whom one name word means: everyone it names when it is sure, else the one chosen (none: nobody)."""
    sure = not (token.key in NAME_WORDS and (not token.capital or token.opens))
    if len(people) == 1 and sure:
        return people
    candidates = sorted(set(people.values()))
    if choose is None:
        if len(people) > 1:
            raise Ambiguous(
                f'"{token.text}" could be {", ".join(candidates)}: say which, with more of the name.',
                candidates,
            )
        raise Ambiguous(
            f'Not sure "{token.text}" means {candidates[0]}: write the name in full or with a capital, '
            "or log it with keepgoing log.",
            candidates,
        )
    chosen = choose(token.text, [*candidates, NOBODY] if not sure else candidates)
    return {pid: name for pid, name in people.items() if name == chosen and chosen != NOBODY}


def _people_named(
    store: Store, text: str, choose: Callable[[str, list[str]], str] | None
) -> tuple[dict[int, str], dict[int, int]]:
    """Who the sentence names, and where: whole names first, then single name words, surely."""
    names = _known_names(store)
    tokens = _tokens(text)
    capitals = any(t.capital and not t.opens for t in tokens)
    found, position, used = _whole_names(names, tokens, capitals)
    # Then one word: a one-word name or alias, or one word of a longer name.
    by_word: dict[str, dict[int, str]] = {}
    for words, pid, name in names:
        for word in words:
            if len(word) >= 2 and word not in FUNCTION_WORDS:
                by_word.setdefault(word, {})[pid] = name
    for i, token in enumerate(tokens):
        people = by_word.get(token.key)
        if (
            i in used
            or not people
            or all(pid in found for pid in people)
            or not _as_written([token], capitals)
        ):
            continue
        people = _one_word_pick(token, people, choose)
        found.update(people)
        for pid in people:
            position.setdefault(pid, token.start)
    return found, position


NOBODY = "nobody: it is just a word here"


@dataclass
class Heard:
    """What a sentence says happened: who, how, when, and whether they were reached."""

    names: list[str]
    via: str
    when: When
    note: str
    # The sentence says they did not answer ("rang Kev, no answer"): a try, not a conversation.
    tried: bool = False


# Words that say a call or message did not reach them.
_NO_ANSWER = re.compile(
    r"\b(no answer|no reply|no response|didn'?t answer|did not answer|didn'?t pick up|did not pick up|"
    r"not picking up|went to voicemail)\b"
)


def _when(text: str, today: date, dayfirst: bool) -> When:
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
            return parse_when(phrase, today=today, dayfirst=dayfirst, prefer="past")
    return When(today)


def understand(
    store: Store,
    text: str,
    *,
    today: date,
    dayfirst: bool,
    choose: Callable[[str, list[str]], str] | None = None,
) -> Heard:
    """What the sentence says (a written date read day-first when `dayfirst`). `choose(word, candidates)` is asked when a word could be
    several people (the CLI asks the person at the terminal); without it, that is an error."""
    text = clean(text, "note")
    if not text:
        raise BadInput("Tell me what happened: who, how and when.")
    folded = fold(text)
    words = re.findall(r"\w+", folded)
    via = next((CHANNEL_WORDS[w] for w in words if w in CHANNEL_WORDS), "other")
    when = _when(text, today, dayfirst)
    found, position = _people_named(store, text, choose)
    if not found:
        raise BadInput("I couldn't find anyone you know in that; name them as they are in keepgoing people.")
    ordered = sorted(found, key=lambda pid: position.get(pid, 0))  # in the order the sentence names them
    tried = bool(_NO_ANSWER.search(text.casefold().replace("\u2019", "'")))
    return Heard([found[pid] for pid in ordered], via, when, text, tried)
