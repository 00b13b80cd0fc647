"""Forgetting a person, so that nothing said about them stays in the store.

`plan_forget` works out everything a `forget` would do, without changing
anything: what is erased (the person, their aliases, tags, follow-ups,
notes, ideas, memberships, places in wins, and every conversation or win
that was only theirs) and which other records would be redacted, with the
text before and after. `forget_person` carries out exactly that plan, so the
preview (`forget --dry-run`) and the erasure never disagree.

Redaction in other people's records covers the full name and aliases (any
case, any accents, with or without a possessive), the phone number (any
spacing) and the email address, and a single name word only when nobody
else in the store has that word in their name or aliases: forgetting "Sam
Jones" must not turn "Sam Patel" into "[someone] Patel". A single letter
or an everyday word ("A", "Will", "May") is never redacted on its own
(an everyday word only where it is written as a name: capitalised, not
opening a sentence), so "Had a cuppa" stays as it was. Ideas the
organisation took up stay, unlinked from the person and redacted.

Storage then makes the erasure physical (`Store.scrub`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from keepgoing.core.matching import find_person
from keepgoing.core.person import Person
from keepgoing.storage import Store

REDACTED = "[someone]"
# Ideas that became something: the organisation keeps them, without the person.
KEPT_IDEAS = ("taken-up", "in-progress")
_POSSESSIVE = r"(?:['’]s?)?"

# (table, column, what a person would call it) for every free text another record may hold.
TEXT_COLUMNS = (
    ("conversation", "note", "conversation note"),
    ("follow_up", "text", "follow-up"),
    ("person", "note", "note on a person"),
    ("person", "consent_note", "consent note"),
    ("person", "pause_reason", "pause reason"),
    ("person_note", "text", "lasting note"),
    ("idea", "text", "idea"),
    ("idea", "outcome", "idea outcome"),
    ("win", "text", "win"),
)


@dataclass
class Redaction:
    """One text in someone else's record that forgetting a person rewrites, before and after."""

    table: str
    column: str
    id: int
    kind: str
    before: str
    after: str

    def excerpt(self, width: int = 70) -> str:
        """The redacted text around its first change, short enough for one line."""
        start = self.after.find(REDACTED)
        start = max(0, start - width // 3) if start >= 0 else 0
        text = self.after[start : start + width]
        return ("…" if start else "") + text + ("…" if start + width < len(self.after) else "")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "table": self.table, "id": self.id, "after": self.after}


@dataclass
class ForgetPlan:
    """Everything forgetting a person would erase and redact, worked out before anything changes."""

    person: Person
    erase: dict[str, int]
    solo_conversations: list[int]
    group_conversations: list[int]
    solo_wins: list[int]
    kept_ideas: list[int]
    redactions: list[Redaction] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.person.name,
            "erase": self.erase,
            "removed_from_group_conversations": len(self.group_conversations),
            "ideas_kept_unlinked": len(self.kept_ideas),
            "redactions": [r.to_json() for r in self.redactions],
        }


@dataclass
class Forgotten:
    """What `forget` erased, kept and redacted."""

    name: str
    conversations_erased: int
    group_conversations: int
    follow_ups_erased: int
    notes_scrubbed: int
    ideas_kept: int = 0
    # On a team store run by someone who does not own the tables: whose next command rewrites them.
    cleanup_pending: str | None = None


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` casefolded without accents, and for each folded character where it came from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(piece):
                continue
            for folded in piece.casefold():
                out.append(folded)
                where.append(index)
    return "".join(out), where


def _fold(text: str) -> str:
    return _folded(text)[0]


def _digits_pattern(phone: str) -> str | None:
    """The phone's digits with any spacing or punctuation between them; +44 also as 0."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return None
    forms = {digits}
    if phone.strip().startswith("+44"):
        forms.add("0" + digits[2:])
    elif digits.startswith("0"):
        forms.add("44" + digits[1:])
    gap = r"[\s\-.()/]*"
    return "|".join(r"\+?" + gap.join(form) for form in sorted(forms, key=len, reverse=True))


# Everyday words that are also names or parts of names ("Will", "May", "Mark", "A"): alone, they are
# redacted only where they are written as a name (capitalised, not opening a sentence); a single
# letter never is. The full name they are part of ("Will Smith") always is.
COMMON_WORDS = frozenset(
    "a an and are as at be but by can did do for from go had has have he her hers him his i if in is it "
    "its me my no not of on or our she so than that the their them then they this to too up us was we "
    "were who will with yes you your may mark bill".split()
)


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` is the first of a sentence, where anyone writes a capital."""
    before = text[:start]
    stripped = before.rstrip(" \t\"'“‘(")
    return not stripped or stripped[-1] in ".!?" or "\n" in before[len(stripped) :]


class Identified(Protocol):
    """What finding someone in text goes by: a `Person`, or a person read from an import file."""

    name: str
    aliases: list[str]
    email: str | None
    phone: str | None


class Matcher:
    """Finds a person's names, phone and email in text, accent- and case-blind.

    The one rule for "this text mentions them": `forget` redacts with it, a
    subject access copy hides everyone else with it, and an import redacts a
    forgotten person with it.
    """

    def __init__(self, person: Identified, others: Iterable[str]):
        names = {_fold(n).strip() for n in (person.name, *person.aliases)}
        shared = {word for other in others for word in _fold(other).split()}
        common = {n for n in names if " " not in n and (len(n) == 1 or n in COMMON_WORDS)}
        words = {
            word
            for whole in names
            for word in whole.split()
            if len(word) >= 3 and word not in shared and word not in names
        }
        cautious = {w for w in common | words if w in COMMON_WORDS and len(w) > 1 and w not in shared}
        alternatives = sorted(
            (re.escape(w) for w in (names - common) | (words - cautious) if w), key=len, reverse=True
        )
        self.names = (
            re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")" + _POSSESSIVE + r"(?!\w)")
            if alternatives
            else None
        )
        # Case-sensitive, on the text as written: "Will" the name, not "will" the word.
        self.cautious = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(w.capitalize() for w in sorted(cautious)) + r")(?:['’]s?)?(?!\w)"
            )
            if cautious
            else None
        )
        contact = []
        if person.email:
            contact.append(re.escape(_fold(person.email)))
        if person.phone and (digits := _digits_pattern(person.phone)):
            contact.append(r"(?<!\d)(?:" + digits + r")(?!\d)")
        self.contact = re.compile("|".join(contact)) if contact else None

    def redact(self, text: str) -> str:
        folded, where = _folded(text)
        spans = [
            (where[m.start()], where[m.end() - 1] + 1)
            for pattern in (self.names, self.contact)
            if pattern is not None
            for m in pattern.finditer(folded)
            if m.end() > m.start()
        ]
        if self.cautious is not None:
            spans += [
                (m.start(), m.end())
                for m in self.cautious.finditer(text)
                if not _opens_sentence(text, m.start())
            ]
        if not spans:
            return text
        pieces, last = [], 0
        # Where matches overlap ("zoe" inside zoe.brown@...), the longest from the earliest start wins.
        for begin, finish in sorted(spans, key=lambda span: (span[0], -span[1])):
            if begin < last:
                continue  # overlapping matches: the first wins
            pieces.append(text[last:begin])
            matched = text[begin:finish]
            suffix = re.search(r"['’]s?$", matched)
            pieces.append(REDACTED + (suffix[0] if suffix else ""))
            last = finish
        pieces.append(text[last:])
        return "".join(pieces)


def _count(store: Store, sql: str, params: dict[str, Any]) -> int:
    row = store.row(sql, params)
    return int(row["n"]) if row else 0


def plan_forget(store: Store, person: Person) -> ForgetPlan:
    """Everything forgetting `person` would erase and redact. Changes nothing."""
    p = {"p": person.id}
    solo: list[int] = []
    group: list[int] = []
    for row in store.rows(
        "SELECT cp.conversation_id AS cid, (SELECT count(*) FROM conversation_person o "
        "WHERE o.conversation_id = cp.conversation_id) AS present FROM conversation_person cp "
        "WHERE cp.person_id = :p ORDER BY cp.conversation_id",
        p,
    ):
        (solo if row["present"] == 1 else group).append(row["cid"])
    solo_wins = [
        row["wid"]
        for row in store.rows(
            "SELECT wp.win_id AS wid FROM win_person wp WHERE wp.person_id = :p AND NOT EXISTS "
            "(SELECT 1 FROM win_person o WHERE o.win_id = wp.win_id AND o.person_id <> :p) ORDER BY wp.win_id",
            p,
        )
    ]
    statuses = ", ".join(f"'{s}'" for s in KEPT_IDEAS)
    kept_ideas = [
        row["id"]
        for row in store.rows(
            f"SELECT id FROM idea WHERE person_id = :p AND status IN ({statuses}) ORDER BY id", p
        )
    ]
    erase = {
        "conversations": len(solo),
        "follow_ups": _count(store, "SELECT count(*) AS n FROM follow_up WHERE person_id = :p", p),
        "notes": _count(store, "SELECT count(*) AS n FROM person_note WHERE person_id = :p", p),
        "ideas": _count(store, "SELECT count(*) AS n FROM idea WHERE person_id = :p", p) - len(kept_ideas),
        "wins": len(solo_wins),
        "aliases": len(person.aliases),
        "tags": len(person.tags),
        "group_memberships": _count(store, "SELECT count(*) AS n FROM group_member WHERE person_id = :p", p),
        # Their answers to standard measures (core/measures.py), in any conversation; they go with them.
        "wellbeing_scores": _count(
            store, "SELECT count(DISTINCT conversation_id) AS n FROM measure_score WHERE person_id = :p", p
        ),
        # Equality monitoring: their consent to it and every dated record.
        "monitoring": _count(store, "SELECT count(*) AS n FROM monitoring WHERE person_id = :p", p)
        + _count(store, "SELECT count(*) AS n FROM monitoring_consent WHERE person_id = :p", p),
    }
    others = [
        row["n"]
        for row in store.rows(
            "SELECT name AS n FROM person WHERE id <> :p UNION ALL "
            "SELECT alias AS n FROM alias WHERE person_id <> :p",
            p,
        )
    ]
    matcher = Matcher(person, others)
    plan = ForgetPlan(person, erase, solo, group, solo_wins, kept_ideas)
    gone = {
        "conversation": set(solo),
        "win": set(solo_wins),
        "person": {person.id},
    }
    owned = {"follow_up", "person_note", "idea"}
    for table, column, kind in TEXT_COLUMNS:
        owner = ", person_id" if table in owned else ""
        for row in store.stream(
            f"SELECT id{owner}, {column} AS text FROM {table} WHERE {column} IS NOT NULL ORDER BY id"
        ):
            if row["id"] in gone.get(table, ()):
                continue
            kept = table == "idea" and row["id"] in kept_ideas
            if table in owned and row["person_id"] == person.id and not kept:
                continue
            after = matcher.redact(row["text"])
            if after != row["text"]:
                plan.redactions.append(Redaction(table, column, row["id"], kind, row["text"], after))
    return plan


def forget_person(store: Store, query: str | Person, *, now: datetime) -> Forgotten:
    """Erase a person as `plan_forget` describes, in one transaction, then scrub the file.

    A tombstone (`core/tombstones.py`) is left in the same transaction, so an
    import of an older export does not bring them back."""
    from keepgoing.core.tombstones import lay

    with store.write():
        person = query if isinstance(query, Person) else find_person(store, query)
        plan = plan_forget(store, person)
        lay(store, [person.name, *person.aliases], person.email, person.phone, now=now)
        if plan.kept_ideas:
            ids = ", ".join(str(i) for i in plan.kept_ideas)
            store.run(f"UPDATE idea SET person_id = NULL WHERE id IN ({ids})")
        for cid in plan.solo_conversations:
            store.run("DELETE FROM conversation WHERE id = :c", {"c": cid})
        for wid in plan.solo_wins:
            store.run("DELETE FROM win WHERE id = :w", {"w": wid})
        for table in ("monitoring", "monitoring_consent"):  # special category data: not left to the cascade
            store.run(f"DELETE FROM {table} WHERE person_id = :p", {"p": person.id})
        store.run("DELETE FROM person WHERE id = :p", {"p": person.id})  # cascades the rest
        for change in plan.redactions:
            store.run(
                f"UPDATE {change.table} SET {change.column} = :t WHERE id = :id",
                {"t": change.after, "id": change.id},
            )
    pending = store.scrub()
    return Forgotten(
        person.name,
        len(plan.solo_conversations),
        len(plan.group_conversations),
        plan.erase["follow_ups"],
        len(plan.redactions),
        len(plan.kept_ideas),
        pending,
    )
