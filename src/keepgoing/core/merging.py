"""Merging two records of one person: everything of one moves to the other, nothing is lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keepgoing.core.matching import find_person
from keepgoing.core.person import Person, get_person
from keepgoing.core.person_fields import check_how_many
from keepgoing.errors import BadInput
from keepgoing.storage import Store
from keepgoing.text import limit, name_key

# Rows that belong to one person and move whole: table -> what the user calls one.
MOVED = {
    "follow_up": "follow-up",
    "person_note": "lasting note",
    "idea": "idea",
    # Answers to standard measures (one row per item): keyed by conversation, so they simply move.
    "measure_score": "wellbeing measure answer",
}
# Rows that link a person to something others may share: table -> (the shared column, what it is).
# Where both people are linked, the kept person's link stays and the other goes: nothing is doubled.
LINKED = {
    "conversation_person": ("conversation_id", "conversation"),
    "win_person": ("win_id", "win"),
    "group_member": ("group_id", "group membership"),
    # A day both were asked keeps the kept person's answers.
    "monitoring": ("asked_on", "equality monitoring record"),
}
# Details taken from the merged card where the kept one has none.
DETAILS = ("organisation", "role", "phone", "email", "prefers", "worker")
CONSENT = ("consent", "consent_channels", "consent_note", "consent_on", "consent_review_on")


@dataclass
class MergePlan:
    """What a merge of `merged` into `kept` moves, shares and fills in."""

    merged: Person
    kept: Person
    moved: dict[str, int] = field(default_factory=dict)  # what the user calls it -> how many move
    shared: dict[str, int] = field(default_factory=dict)  # linked to both: kept once
    filled: list[str] = field(default_factory=list)  # details the kept card gains
    set_aside: list[str] = field(default_factory=list)  # differing details, kept as lasting notes
    updates: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "merged": self.merged.name,
            "into": self.kept.name,
            "moved": self.moved,
            "shared": self.shared,
            "filled": self.filled,
            "kept_as_notes": self.set_aside,
            "alias": self.merged.name,
        }


def _count(store: Store, sql: str, params: dict[str, Any]) -> int:
    return int(store.value(sql, params) or 0)


def plan_merge(store: Store, merged: Person, kept: Person) -> MergePlan:
    """Work out a merge without writing; refuses one person into themselves, or past the alias or tag caps."""
    if merged.id == kept.id:
        raise BadInput(f"{merged.name} and {kept.name} are the same person; there is nothing to merge.")
    plan = MergePlan(merged, kept)
    ids = {"m": merged.id, "k": kept.id}
    for table, (column, word) in LINKED.items():
        both = _count(
            store,
            f"SELECT count(*) FROM {table} WHERE person_id = :m AND {column} IN "
            f"(SELECT {column} FROM {table} WHERE person_id = :k)",
            ids,
        )
        alone = _count(store, f"SELECT count(*) FROM {table} WHERE person_id = :m", ids) - both
        plan.moved[word] = alone
        plan.shared[word] = both
    for table, word in MOVED.items():
        plan.moved[word] = _count(store, f"SELECT count(*) FROM {table} WHERE person_id = :m", ids)
    kept_aliases = {name_key(a) for a in kept.aliases}
    new_aliases = {name_key(a) for a in [merged.name, *merged.aliases]} - kept_aliases
    check_how_many(len(kept_aliases) + len(new_aliases), "alias")
    new_tags = set(merged.tags) - set(kept.tags)
    check_how_many(len(kept.tags) + len(new_tags), "tag")
    plan.moved["alias"] = len(new_aliases)
    plan.moved["tag"] = len(new_tags)
    _reconcile(plan)
    return plan


def _reconcile(plan: MergePlan) -> None:
    """The kept card's details: theirs where they have one, else the merged card's; a differing one becomes a note."""
    merged, kept = plan.merged, plan.kept
    aside: list[str] = []
    for column in DETAILS:
        mine, theirs = getattr(kept, column), getattr(merged, column)
        if theirs is None or theirs == mine:
            continue
        if mine is None:
            plan.updates[column] = theirs
            plan.filled.append(column)
        else:
            aside.append(f"{column}: {theirs}")
    # Consent: the kept card's, unless it has none, or the merged card records a withdrawal
    # (a withdrawal of consent to be contacted must never be lost to a merge).
    if merged.consent is not None and merged.consent != kept.consent:
        if kept.consent is None or merged.consent == "withdrawn":
            plan.updates.update({c: getattr(merged, c) for c in CONSENT})
            plan.filled.append("consent")
            if kept.consent is not None:
                aside.append(
                    f"consent: {kept.consent}" + (f" on {kept.consent_on}" if kept.consent_on else "")
                )
        else:
            aside.append(
                f"consent: {merged.consent}" + (f" on {merged.consent_on}" if merged.consent_on else "")
            )
    if merged.note and merged.note != kept.note:
        if kept.note is None:
            plan.updates["note"] = merged.note
            plan.filled.append("note")
        else:
            plan.set_aside.append(merged.note)
    if aside:
        line = f"From {merged.name}'s card, merged: " + "; ".join(aside)
        plan.set_aside.insert(0, line[: limit("lasting note")])


def merge_people(
    store: Store, merged_query: str, kept_query: str, *, now: datetime, by: str | None = None
) -> MergePlan:
    """Merge the person `merged_query` names into the one `kept_query` names, in one transaction.

    Their conversations, follow-ups, ideas, wins, lasting notes, aliases, tags
    and group memberships move (each keeps its number); a conversation or win
    with both, or a group both belong to, is kept once. The merged name becomes
    an alias; missing details and consent are filled in, differing ones kept as
    lasting notes; last contact and due are worked out again.
    """
    from keepgoing.core.people import _add_aliases_and_tags, save_version
    from keepgoing.core.rhythm import refresh_contacts

    with store.write():
        merged = find_person(store, merged_query)
        kept = find_person(store, kept_query)
        plan = plan_merge(store, merged, kept)
        ids = {"m": merged.id, "k": kept.id}
        for table, (column, _) in LINKED.items():
            store.run(
                f"UPDATE {table} SET person_id = :k WHERE person_id = :m AND {column} NOT IN "
                f"(SELECT {column} FROM {table} WHERE person_id = :k)",
                ids,
            )
        store.run(
            "UPDATE group_member SET joined_at = (SELECT o.joined_at FROM group_member o "
            "WHERE o.person_id = :m AND o.group_id = group_member.group_id) "
            "WHERE person_id = :k AND group_id IN (SELECT o.group_id FROM group_member o "
            "WHERE o.person_id = :m AND o.joined_at < group_member.joined_at)",
            ids,
        )
        for table in MOVED:
            store.run(f"UPDATE {table} SET person_id = :k WHERE person_id = :m", ids)
        # Consent to monitoring: the kept person's, else the merged one's.
        store.run(
            "UPDATE monitoring_consent SET person_id = :k WHERE person_id = :m "
            "AND NOT EXISTS (SELECT 1 FROM monitoring_consent o WHERE o.person_id = :k)",
            ids,
        )
        store.run("UPDATE alias SET person_id = :k WHERE person_id = :m", ids)
        # Their remaining links (those shared with the kept person) and tags go with the card.
        store.run("DELETE FROM person WHERE id = :m", {"m": merged.id})
        _add_aliases_and_tags(store, kept.id, [merged.name], merged.tags)
        for text in plan.set_aside:
            store.run(
                "INSERT INTO person_note (person_id, text, created_at) VALUES (:k, :t, :now)",
                {"k": kept.id, "t": text, "now": now},
            )
        # Also re-indexes the kept card for search, with the aliases it gained.
        save_version(store, kept, {"name": kept.name, **plan.updates, "updated_at": now, "updated_by": by})
        refresh_contacts(store, [kept.id])
        plan.kept = get_person(store, kept.id)
        return plan
