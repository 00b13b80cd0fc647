"""Finding people by what the user typed: a whole name, an alias, a word or the start of one."""

from __future__ import annotations

from keepgoing.core.person import Person, get_person, label
from keepgoing.errors import Ambiguous, BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.text import loose_key, loose_words, name_key, require_letter

MAX_CANDIDATES_SHOWN = 8


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def match_tier(query: str, key: str) -> int | None:
    """0: the whole name; 1: a whole word of it; 2: the start of it or of a word."""
    if key == query:
        return 0
    words = key.split()
    if query in words:
        return 1
    if key.startswith(query) or any(word.startswith(query) for word in words):
        return 2
    return None


def find_person(store: Store, query: str, *, purpose: str = "") -> Person:
    """The one person `query` names (full name, alias, word or unique prefix)."""
    key = name_key(query)
    if not key:
        raise BadInput("A name cannot be empty.")
    require_letter(key, "A name")
    # The whole name or alias, through their unique indexes: the usual case, and
    # the best tier whatever else matches, so the scans below are not needed.
    exact = store.rows(
        "SELECT id FROM person WHERE name_key = :key UNION SELECT person_id AS id FROM alias WHERE alias_key = :key",
        {"key": key},
    )
    if len(exact) == 1:
        return get_person(store, exact[0]["id"])
    params = {
        "exact": key,
        "prefix": like_escape(key) + "%",
        "word": "% " + like_escape(key) + "%",
    }
    where = "{col} = :exact OR {col} LIKE :prefix ESCAPE '\\' OR {col} LIKE :word ESCAPE '\\'"
    hits: dict[int, tuple[int, str]] = {}
    for row in store.rows(
        f"SELECT id, name, name_key AS k, organisation FROM person WHERE {where.format(col='name_key')}",
        params,
    ):
        # Someone who shares their name is keyed "john smith (food bank)": the name alone is a whole match.
        tiers = [
            t for t in (match_tier(key, row["k"]), match_tier(key, name_key(row["name"]))) if t is not None
        ]
        if tiers:
            hits[row["id"]] = (min(tiers), label(row["name"], row["k"], row["organisation"]))
    for row in store.rows(
        "SELECT p.id, p.name, p.name_key, p.organisation, a.alias_key AS k FROM alias a "
        f"JOIN person p ON p.id = a.person_id WHERE {where.format(col='a.alias_key')}",
        params,
    ):
        tier = match_tier(key, row["k"])
        if tier is not None and tier < hits.get(row["id"], (9, ""))[0]:
            hits[row["id"]] = (tier, label(row["name"], row["name_key"], row["organisation"]))
    if not hits:
        hits = _loose_hits(store, key)
    if not hits:
        raise NotFound(_not_found_message(store, query, key, purpose))
    best = min(tier for tier, _ in hits.values())
    chosen = sorted((name, pid) for pid, (tier, name) in hits.items() if tier == best)
    if len(chosen) > 1:
        names = [name for name, _ in chosen]
        shown = ", ".join(names[:MAX_CANDIDATES_SHOWN])
        more = len(names) - MAX_CANDIDATES_SHOWN
        if more > 0:
            shown += f" and {more} more"
        raise Ambiguous(
            f'"{query.strip()}" could be {len(names)} people: {shown}. Type more of the name.',
            names,
            query,
        )
    return get_person(store, chosen[0][1])


def lookalike(store: Store, name: str) -> str | None:
    """The name of someone already here whom `name` copies in another alphabet ("Ѕam", Cyrillic Ѕ, for "Sam").

    Only a name mixing alphabets is looked at, so everyday names pay nothing.
    """
    import unicodedata

    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in name if c.isalpha()}
    if len(scripts) < 2:
        return None
    from confusable_homoglyphs import confusables

    latin = name
    for found in confusables.is_confusable(name, preferred_aliases=["latin"], greedy=True) or []:
        if found["homoglyphs"]:
            latin = latin.replace(found["character"], found["homoglyphs"][0]["c"])
    if latin == name:
        return None
    row = store.row(
        "SELECT name FROM person WHERE name_key = :k UNION SELECT p.name FROM alias a "
        "JOIN person p ON p.id = a.person_id WHERE a.alias_key = :k",
        {"k": name_key(latin)},
    )
    return row["name"] if row else None


def loose_tier(query: str, key: str) -> int | None:
    """`match_tier` with spaces, hyphens, apostrophes, accents and case set aside ("kerry ann" finds "Kerry-Ann Walsh")."""
    loose = loose_key(query)
    if not loose:
        return None
    whole = loose_key(key)
    if whole == loose:
        return 0
    words = loose_words(key)
    if loose in words:
        return 1
    if whole.startswith(loose) or any(word.startswith(loose) for word in words):
        return 2
    return None


def _loose_hits(store: Store, key: str) -> dict[int, tuple[int, str]]:
    """The same tiers on loose keys (see `loose_tier`): a slower scan, only when nothing matched as typed."""
    hits: dict[int, tuple[int, str]] = {}
    for row in store.stream(
        "SELECT id, name, name_key, organisation, name_key AS k FROM person UNION ALL "
        "SELECT p.id, p.name, p.name_key, p.organisation, a.alias_key AS k FROM alias a "
        "JOIN person p ON p.id = a.person_id"
    ):
        tier = loose_tier(key, row["k"])
        if tier is not None and tier < hits.get(row["id"], (9, ""))[0]:
            hits[row["id"]] = (tier, label(row["name"], row["name_key"], row["organisation"]))
    return hits


# How alike two loose keys must be (difflib's ratio) for a new name to be asked about:
# one letter in a name of ten or more ("Kerry Anne Walsh" beside "Kerry-Ann Walsh").
CLOSE_RATIO = 0.9
# Or one letter apart (changed, added or dropped) when both names have this many letters
# ("Priya Shaw" beside Priya Shah), which difflib's ratio rates lower in a shorter name.
ONE_LETTER_FROM = 8


def one_letter_apart(a: str, b: str) -> bool:
    """Whether one letter changed, added or dropped turns `a` into `b`."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1 :] == shorter[start:]


def close_name(store: Store, name: str) -> str | None:
    """The name of someone already here whom a new `name` is very like, or None.

    Alike means the same letters (spaces, hyphens, apostrophes, accents and case
    aside), or one letter apart in a longer name.
    """
    import difflib

    loose = loose_key(name)
    if not loose:
        return None
    best: tuple[float, str] | None = None
    for row in store.stream(
        # The name itself: someone who shares a name is keyed "john smith (tenants)".
        "SELECT p.name, p.name AS k FROM person p UNION ALL "
        "SELECT p.name, a.alias_key AS k FROM alias a JOIN person p ON p.id = a.person_id"
    ):
        other = loose_key(row["k"])
        if other == loose:
            ratio = 1.0
        elif min(len(loose), len(other)) >= ONE_LETTER_FROM and one_letter_apart(loose, other):
            ratio = CLOSE_RATIO
        else:
            pair = difflib.SequenceMatcher(None, loose, other)
            # The quick upper bounds first: most names are nothing alike, and cost almost nothing.
            fast = pair.real_quick_ratio() >= CLOSE_RATIO and pair.quick_ratio() >= CLOSE_RATIO
            ratio = pair.ratio() if fast else 0.0
        if ratio >= CLOSE_RATIO and (best is None or ratio > best[0]):
            best = (ratio, row["name"])
    return best[1] if best else None


def refuse_close(store: Store, name: str, *, instead: str) -> None:
    """Raise `CloseName` when a new `name` is very like someone already here (`close_name`).

    The one check for `add` and `log --new`: the user is asked on a terminal,
    or told to add --yes off one. `instead` says what to do to mean the
    person already here ("to log with them, give their name").
    """
    from keepgoing.errors import CloseName

    known = close_name(store, name)
    if known is not None:
        raise CloseName(
            f'"{name}" is very like {known}, who is already here: {instead}; '
            "to add a new person anyway, add --yes.",
            name,
            known,
        )


def _not_found_message(store: Store, query: str, key: str, purpose: str) -> str:
    import difflib

    keys = {row["k"]: row["name"] for row in store.rows("SELECT name_key AS k, name FROM person")}
    close = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)
    message = f'No one called "{query.strip()}".'
    if close:
        return message + " Did you mean " + " or ".join(keys[k] for k in close) + "?"
    if purpose == "log":
        return message + " Add them with keepgoing add, or log with --new."
    return message + " See everyone with keepgoing people."
