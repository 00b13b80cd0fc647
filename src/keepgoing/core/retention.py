"""Storage limitation: erasing or anonymising what is older than a retention period.

`--mode erase` removes, for the period before the cut-off: conversations
(with the follow-ups and ideas made in them), lasting notes, wins with
people in them, follow-ups not made in a conversation, equality monitoring
records asked before it, and the phone number and email of everyone last
seen (or, never seen, added) before it.
`--mode anonymise` keeps old conversations' dates and channels but drops
their notes, wellbeing (and answers to standard measures), feeling words
and authors. Both then make the erasure physical (`Store.scrub`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keepgoing.storage import Store


@dataclass
class Expired:
    """What is older than a retention cut-off: conversations, their dates, and what erase mode also takes."""

    count: int
    oldest: datetime | None
    newest: datetime | None
    # What `--mode erase` also takes from the same period (conversations aside).
    notes: int = 0
    wins: int = 0
    follow_ups: int = 0
    contacts: int = 0
    monitoring: int = 0

    def anything(self, mode: str) -> bool:
        return bool(self.count or (mode == "erase" and self.also()))

    def also(self) -> list[str]:
        """The other things erase mode removes, as a person would say them ("2 lasting notes")."""
        from keepgoing.text import plural

        kinds = (
            (self.notes, plural(self.notes, "lasting note")),
            (self.wins, plural(self.wins, "win") + " shared with someone"),
            (self.follow_ups, plural(self.follow_ups, "follow-up") + " not made in a conversation"),
            (self.contacts, "the phone and email of " + plural(self.contacts, "person") + " last seen then"),
            (self.monitoring, plural(self.monitoring, "equality monitoring record") + " asked then"),
        )
        return [words for n, words in kinds if n]


@dataclass
class Retained:
    """How many conversations applying retention erased or anonymised."""

    conversations: int
    cleanup_pending: str | None = None  # a team store's owner who still has to rewrite the tables


OLD = "SELECT id FROM conversation WHERE occurred_at < :before"
# Each kind erase mode takes beyond conversations: (what to delete or clear, how to count it).
OLD_NOTES = "FROM person_note WHERE created_at < :before"
OLD_WINS = "FROM win WHERE occurred_at < :before AND id IN (SELECT win_id FROM win_person)"
LOOSE_FOLLOW_UPS = "FROM follow_up WHERE conversation_id IS NULL AND created_at < :before"
OLD_MONITORING = "FROM monitoring WHERE asked_on < :day"
LAST_SEEN = (
    "FROM person WHERE coalesce(last_contact_at, created_at) < :before "
    "AND (phone IS NOT NULL OR email IS NOT NULL)"
)


def expired(store: Store, before: datetime) -> Expired:
    from keepgoing.storage.date_encoding import as_datetime
    from keepgoing.storage.team import managers_only

    managers_only(store, "apply the retention rules")

    row = store.row(
        "SELECT count(*) AS n, min(occurred_at) AS oldest, max(occurred_at) AS newest, "
        f"(SELECT count(*) {OLD_NOTES}) AS notes, (SELECT count(*) {OLD_WINS}) AS wins, "
        f"(SELECT count(*) {LOOSE_FOLLOW_UPS}) AS follow_ups, (SELECT count(*) {LAST_SEEN}) AS contacts, "
        f"(SELECT count(*) {OLD_MONITORING}) AS monitoring "
        "FROM conversation WHERE occurred_at < :before",
        {"before": before, "day": before.astimezone().date()},
    )
    if row is None:  # an aggregate always gives a row; this keeps the types honest
        return Expired(0, None, None)
    return Expired(
        row["n"],
        as_datetime(row["oldest"]),
        as_datetime(row["newest"]),
        row["notes"],
        row["wins"],
        row["follow_ups"],
        row["contacts"],
        row["monitoring"],
    )


def apply_retention(store: Store, before: datetime, *, mode: str) -> Retained:
    """Erase what is older than `before` (see the module), or keep old conversations without
    what was said, felt or who wrote it ("anonymise").

    Erasing takes what hangs off a conversation with it (the follow-ups and
    ideas made in it) and works out again the last contact of everyone who
    was in one.
    """
    from keepgoing.storage.team import managers_only

    with store.write():
        managers_only(store, "apply the retention rules")
        if mode == "erase":
            from keepgoing.core.rhythm import refresh_contacts

            params = {"before": before, "day": before.astimezone().date()}
            people = [
                r["p"]
                for r in store.rows(
                    f"SELECT DISTINCT person_id AS p FROM conversation_person WHERE conversation_id IN ({OLD})",
                    params,
                )
            ]
            # Whose contact details go is decided by when they were last seen before anything is erased.
            store.run(
                f"UPDATE person SET phone = NULL, email = NULL, version = version + 1 WHERE id IN (SELECT id {LAST_SEEN})",
                params,
            )
            for table in ("follow_up", "idea"):
                store.run(f"DELETE FROM {table} WHERE conversation_id IN ({OLD})", params)
            for kind in (OLD_NOTES, OLD_WINS, LOOSE_FOLLOW_UPS, OLD_MONITORING):
                store.run(f"DELETE {kind}", params)
            changed = store.run("DELETE FROM conversation WHERE occurred_at < :before", params)
            refresh_contacts(store, people)
        else:
            # What they said they felt goes: their answers to standard measures with it.
            store.run(
                "DELETE FROM measure_score WHERE conversation_id IN "
                "(SELECT id FROM conversation WHERE occurred_at < :before)",
                {"before": before},
            )
            changed = store.run(
                "UPDATE conversation SET note = NULL, wellbeing = NULL, feeling = NULL, logged_by = NULL, "
                "amended_by = NULL WHERE occurred_at < :before AND (note IS NOT NULL OR wellbeing IS NOT NULL "
                "OR feeling IS NOT NULL OR logged_by IS NOT NULL OR amended_by IS NOT NULL)",
                {"before": before},
            )
    return Retained(changed, store.scrub())
