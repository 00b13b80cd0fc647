"""Normalising what people type, and making user text safe to print.

User text is stored exactly as typed (after Unicode NFC normalisation) and is
made safe only on the way out: terminal control and escape sequences, C1
controls and bidirectional overrides are shown as visible `\\x1b`-style
escapes, so a note can never drive the terminal or hide its own text.
"""

from __future__ import annotations

import re
import unicodedata

from keepgoing.errors import BadInput
from keepgoing.storage.columns import LENGTHS

# What the user calls each piece of text, and the column that keeps it. A field's
# limit is its column's length in storage/models.py (generous for real use, small
# enough to catch a pasted file), so a check can never differ from what the store holds.
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("person", "name"),
    "alias": ("alias", "alias"),
    "tag": ("person_tag", "tag"),
    "organisation": ("person", "organisation"),
    "role": ("person", "role"),
    "phone": ("person", "phone"),
    "email": ("person", "email"),
    "note": ("conversation", "note"),
    "lasting note": ("person_note", "text"),
    "feeling": ("conversation", "feeling"),
    "follow-up": ("follow_up", "text"),
    "idea": ("idea", "text"),
    "outcome": ("idea", "outcome"),
    "win": ("win", "text"),
    "consent note": ("person", "consent_note"),
    "pause reason": ("person", "pause_reason"),
    "group name": ("community_group", "name"),
    "worker name": ("person", "worker"),
}


# Text that is checked but never stored, with its own limit.
UNSTORED: dict[str, int] = {"search": 1_000}


def limit(field: str) -> int:
    """The most characters a field may hold: "win" -> 2000 (its column's length)."""
    if field in UNSTORED:
        return UNSTORED[field]
    return LENGTHS[FIELDS[field]]


# C0 controls (but tab and newline), DEL, C1 controls, bidi embeddings/overrides/
# isolates, and the line/paragraph separators that some terminals honour.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\u200e\u200f\u061c]")
_UNSAFE_INLINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\u200e\u200f\u061c]")
# Any control or format character (Unicode Cc/Cf) is refused in names and tags.
_NAME_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


# Unicode categories never wanted in a name: controls, format (invisible) characters,
# private use, surrogates, and line or paragraph separators.
_INVISIBLE = frozenset(("Cc", "Cf", "Co", "Cs", "Zl", "Zp"))


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, *, inline: bool = False) -> str:
    """User text made harmless for a terminal; `inline` also flattens newlines and tabs."""
    pattern = _UNSAFE_INLINE if inline else _UNSAFE
    if inline:
        text = text.replace("\r\n", "\n")
        text = re.sub("[\n\t]", " ", text)
    return pattern.sub(_visible, text)


def clean(value: str, field: str) -> str:
    """NFC-normalise and trim free text, refusing text over the field's limit."""
    if "\x00" in value:
        # A NUL cannot be stored on PostgreSQL, and ends strings in C programs reading the file.
        raise BadInput(f"The {field} contains a NUL character, which keepgoing cannot store.")
    value = unicodedata.normalize("NFC", value).strip()
    most = limit(field)
    if len(value) > most:
        raise BadInput(f"The {field} is {len(value):,} characters long; the limit is {most:,}.")
    return value


# The zero-width non-joiner and joiner are part of how Persian, the Indic scripts
# and emoji sequences (a family, a flag) are written; between letters of any other
# script they only hide a difference.
JOINERS = "\u200c\u200d"
_JOINING_SCRIPTS = frozenset(
    "ARABIC SYRIAC NKO THAANA DEVANAGARI BENGALI GURMUKHI GUJARATI ORIYA TAMIL TELUGU KANNADA "
    "MALAYALAM SINHALA MONGOLIAN KHMER MYANMAR TIBETAN".split()
)
# Accents and other marks on one letter: real names stack two or three; "Zalgo" text 150.
MAX_MARKS = 4


def clean_name(value: str, field: str = "name") -> str:
    """A name, alias or tag: one line of visible text, with at least one letter or digit."""
    value = " ".join(clean(value, field).split())
    if not value:
        raise BadInput(f"The {field} cannot be empty.")
    plain = _without_joiners(value)
    if _NAME_FORBIDDEN.search(plain) or any(unicodedata.category(c) in _INVISIBLE for c in plain):
        # Invisible characters (soft hyphens, U+180E, zero widths) make names that look alike but differ.
        raise BadInput(f"The {field} contains control characters or invisible ones; please type it plainly.")
    require_letter(value, f"The {field}")
    marks = 0
    for c in value:
        marks = marks + 1 if unicodedata.category(c).startswith("M") else 0
        if marks > MAX_MARKS:
            raise BadInput(
                f"The {field} has more than {MAX_MARKS} accents or marks on one letter; please type it plainly."
            )
    return value


def require_letter(value: str, what: str) -> None:
    """Refuse a name or query with no letter or digit: only accents or marks would match anyone."""
    if not any(c.isalnum() for c in value):
        raise BadInput(f"{what} needs at least one letter or digit.")


def _without_joiners(value: str) -> str:
    """`value` without the joiners that sit where their script uses them (see `JOINERS`)."""
    if not any(j in value for j in JOINERS):
        return value
    kept = []
    for i, c in enumerate(value):
        if c in JOINERS and _joins(value[:i], value[i + 1 : i + 2]):
            continue
        kept.append(c)
    return "".join(kept)


def _joins(before: str, after: str) -> bool:
    """Whether a joiner between `before` and `after` joins two letters (or emoji) of a joining script."""
    end = len(before)
    while end and unicodedata.category(before[end - 1]) in ("Mn", "Mc", "Me", "Sk"):
        end -= 1  # a virama, a variation selector, a skin tone: the letter or emoji is before them
    return bool(end and after) and _joinable(before[end - 1]) and _joinable(after)


def _joinable(c: str) -> bool:
    category = unicodedata.category(c)
    if category == "So":
        return True  # an emoji
    return category[0] == "L" and unicodedata.name(c, "").split(" ")[0] in _JOINING_SCRIPTS


# Typographic apostrophes, quotes and dashes (as phones and Macs type them) and their plain forms.
_PLAIN_MARKS = str.maketrans(
    dict.fromkeys("\u2019\u2018\u201b\u02bc\u2032\u201a", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u2033", '"')
    | dict.fromkeys("\u2013\u2014\u2010\u2011\u2012\u2015", "-")
)


def name_key(value: str) -> str:
    """The form names are matched by: NFC, plain quotes and dashes ("O’Connor" is "O'Connor"), casefolded, single-spaced."""
    return _spaced(value.translate(_PLAIN_MARKS))


def _spaced(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def fold(value: str) -> str:
    """A name key without accents, so that "zoe" can find "Zoë"."""
    decomposed = unicodedata.normalize("NFKD", name_key(value))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def loose_key(value: str) -> str:
    """A name with only its letters and digits, accents and case set aside: "Kerry-Ann", "kerry ann" and "KERRYANN" are one."""
    return "".join(c for c in fold(value) if c.isalnum())


def loose_words(value: str) -> list[str]:
    """The loose keys of a name's words, split at spaces and also at hyphens and apostrophes ("o'connor" is "oconnor", "o", "connor")."""
    words = [loose_key(word) for word in name_key(value).split()]
    parts = [loose_key(part) for part in re.split(r"[\W_]+", fold(value))]
    return [word for word in dict.fromkeys([*words, *parts]) if word]


def clean_tag(value: str) -> str:
    return clean_name(value, "tag").casefold()


# What to say when a text that must have some words has none.
_EMPTY = {
    "follow-up": "A follow-up needs some words: what did you promise?",
    "idea": "An idea needs some words.",
    "win": "What was the win? A few words will do.",
    "lasting note": "A note needs some words: what matters to them?",
}


def required(value: str, field: str) -> str:
    """Free text that must have some words: a follow-up, an idea, a win, a lasting note."""
    value = clean(value, field)
    if not value:
        raise BadInput(_EMPTY.get(field, f"The {field} needs some words."))
    return value


def optional(value: str | None, field: str) -> str | None:
    """Free text that may be left out; empty means none."""
    if value is None:
        return None
    value = clean(value, field)
    return value or None


def worker_key(value: str) -> str:
    """A worker's name as stored and compared: "Alex" and "alex " are the same worker."""
    return _spaced(clean_name(value, "worker name"))


# Words whose plural is not just an added "s".
_PLURALS = {
    "person": "people",
    "new person": "new people",
    "alias": "aliases",
    "entry": "entries",
    "follow-up": "follow-ups",
    "is": "are",
    "was": "were",
    "has": "have",
}


def plural(count: int, word: str) -> str:
    """ "1 note", "2 notes", "1 person", "3 people": one helper for every count shown."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {_PLURALS.get(word, word + 's')}"
