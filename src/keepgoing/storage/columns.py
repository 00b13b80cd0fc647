"""Each table's columns, in order: written from storage/models.py by
`python scripts/table_columns.py`; do not edit by hand.

The core reads these instead of importing SQLModel (which costs more
start-up time than a whole command); a test checks they match the models.
"""

COLUMNS: dict[str, tuple[str, ...]] = {
    "alias": (
        "id",
        "person_id",
        "alias",
        "alias_key",
    ),
    "community_group": (
        "id",
        "name",
        "name_key",
        "cadence_days",
        "created_at",
        "archived_at",
        "via",
    ),
    "conversation": (
        "id",
        "occurred_at",
        "via",
        "note",
        "wellbeing",
        "logged_by",
        "created_at",
        "feeling",
        "group_id",
        "amended_by",
        "amended_at",
        "time_given",
    ),
    "conversation_person": (
        "conversation_id",
        "person_id",
    ),
    "follow_up": (
        "id",
        "person_id",
        "conversation_id",
        "text",
        "due_on",
        "created_at",
        "done_at",
        "logged_by",
        "worker",
    ),
    "group_member": (
        "group_id",
        "person_id",
        "joined_at",
    ),
    "idea": (
        "id",
        "person_id",
        "conversation_id",
        "text",
        "status",
        "outcome",
        "created_at",
        "updated_at",
    ),
    "pending_cleanup": (
        "id",
        "requested_at",
        "requested_by",
    ),
    "person": (
        "id",
        "name",
        "name_key",
        "organisation",
        "role",
        "phone",
        "email",
        "prefers",
        "note",
        "cadence_days",
        "created_at",
        "updated_at",
        "last_contact_at",
        "last_contact_via",
        "due_on",
        "paused_until",
        "archived_at",
        "consent",
        "consent_channels",
        "consent_note",
        "consent_on",
        "consent_review_on",
        "wellbeing_drop",
        "worker",
        "version",
        "updated_by",
    ),
    "person_note": (
        "id",
        "person_id",
        "text",
        "created_at",
    ),
    "person_tag": (
        "person_id",
        "tag",
    ),
    "win": (
        "id",
        "text",
        "occurred_at",
        "group_id",
        "logged_by",
        "created_at",
    ),
    "win_person": (
        "win_id",
        "person_id",
    ),
}
# (table, column) pairs holding an instant (stored in UTC) and a calendar day.
INSTANTS: frozenset[tuple[str, str]] = frozenset(
    (
        ("community_group", "created_at"),
        ("community_group", "archived_at"),
        ("conversation", "occurred_at"),
        ("conversation", "created_at"),
        ("conversation", "amended_at"),
        ("follow_up", "created_at"),
        ("follow_up", "done_at"),
        ("group_member", "joined_at"),
        ("idea", "created_at"),
        ("idea", "updated_at"),
        ("pending_cleanup", "requested_at"),
        ("person", "created_at"),
        ("person", "updated_at"),
        ("person", "last_contact_at"),
        ("person", "archived_at"),
        ("person_note", "created_at"),
        ("win", "occurred_at"),
        ("win", "created_at"),
    )
)
DAYS: frozenset[tuple[str, str]] = frozenset(
    (
        ("follow_up", "due_on"),
        ("person", "due_on"),
        ("person", "paused_until"),
        ("person", "consent_on"),
        ("person", "consent_review_on"),
    )
)
