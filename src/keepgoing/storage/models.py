"""The schema, defined once as SQLModel classes (named `...Table`, so that the
core's own `Person`, `Conversation` and the rest are the only classes by those names).

Migrations are written from these classes, and a test checks that the
migrated database and these classes agree. Everyday commands on a local
store do not import this module (SQLModel costs more start-up time than the
whole command); they run portable SQL through `keepgoing.storage.store`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, false, true
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata

# Numbers people are given (conversations, follow-ups, ideas, notes, wins) are never
# reused: on SQLite that takes AUTOINCREMENT (without it, deleting the highest row
# hands its number out again); PostgreSQL's sequences never go back.
NEVER_REUSED = {"sqlite_autoincrement": True}


def _person_fk(*, nullable: bool | None = None, index: bool | None = None, primary_key: bool = False) -> Any:
    """A column pointing at a person; their rows go with them."""
    return Column(
        Integer,
        ForeignKey("person.id", ondelete="CASCADE"),
        nullable=not primary_key if nullable is None else nullable,
        index=index,
        primary_key=primary_key,
    )


class PersonTable(SQLModel, table=True):
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Casefolded, NFC, single-spaced: what names are matched and kept unique by.
    name_key: str = Field(max_length=200, unique=True)
    organisation: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=60)
    email: str | None = Field(default=None, max_length=254)
    prefers: str | None = Field(default=None, max_length=10)
    note: str | None = Field(default=None, max_length=20_000)
    cadence_days: int
    created_at: datetime
    updated_at: datetime
    # Kept up to date in the same transaction as every conversation, so that
    # `due` is one indexed query however long the history grows.
    last_contact_at: datetime | None = None
    last_contact_via: str | None = Field(default=None, max_length=10)
    due_on: date = Field(index=True)
    paused_until: date | None = None
    archived_at: datetime | None = None
    # Consent to be contacted: "given" or "withdrawn", how, and when to ask again.
    consent: str | None = Field(default=None, max_length=10)
    consent_channels: str | None = Field(default=None, max_length=100)
    consent_note: str | None = Field(default=None, max_length=2_000)
    consent_on: date | None = None
    consent_review_on: date | None = None
    # Set when their wellbeing dropped sharply ("4→2"); cleared by a steadier check-in.
    wellbeing_drop: str | None = Field(default=None, max_length=20)
    # In a team store: the key worker who keeps in touch with them.
    worker: str | None = Field(default=None, max_length=200, index=True)
    # Bumped by every saved edit: a save based on an older version is refused.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    updated_by: str | None = Field(default=None, max_length=200)
    # Why they are paused ("in hospital"): set by pause --reason, cleared by resume.
    pause_reason: str | None = Field(default=None, max_length=500)


class AliasTable(SQLModel, table=True):
    __tablename__ = "alias"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=_person_fk(nullable=False, index=True))
    alias: str = Field(max_length=200)
    alias_key: str = Field(max_length=200, unique=True)


class PersonTagTable(SQLModel, table=True):
    __tablename__ = "person_tag"

    person_id: int = Field(sa_column=_person_fk(primary_key=True))
    tag: str = Field(max_length=60, primary_key=True, index=True)


class ConversationTable(SQLModel, table=True):
    __tablename__ = "conversation"
    # A worker sees whom they talked to lately (storage/team.py): their conversations by time.
    # The report counts a period's conversations from this index alone (core/report.py).
    __table_args__ = (
        Index("ix_conversation_logged_by", "logged_by", "occurred_at"),
        Index(
            "ix_conversation_report", "occurred_at", "reached", "via", "logged_by", "wellbeing", "group_id"
        ),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(index=True)
    via: str = Field(max_length=10)
    note: str | None = Field(default=None, max_length=20_000)
    wellbeing: int | None = None
    logged_by: str | None = Field(default=None, max_length=200)
    created_at: datetime
    feeling: str | None = Field(default=None, max_length=40)
    group_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("community_group.id", ondelete="SET NULL"), index=True),
    )
    # A correction made later with `keepgoing amend`: by whom, and when.
    amended_by: str | None = Field(default=None, max_length=200)
    amended_at: datetime | None = None
    # The user gave a time of day ("19/11 7pm"), so it is shown; otherwise only the day is.
    time_given: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # False for a try that did not reach them (`log --no-answer`): kept, but it is not contact.
    reached: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Logged --private: in a team store, only its writer and managers see it (safeguarding).
    private: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class ConversationPersonTable(SQLModel, table=True):
    __tablename__ = "conversation_person"
    __table_args__ = (Index("ix_conversation_person_person", "person_id", "conversation_id"),)

    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: int = Field(sa_column=_person_fk(primary_key=True))
    # Their own score in a group session (`log --group G --wellbeing sam=4`); a conversation
    # with one score for everyone keeps it on the conversation instead.
    wellbeing: int | None = None


class FollowUpTable(SQLModel, table=True):
    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_open", "done_at", "due_on"), NEVER_REUSED)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=_person_fk(nullable=False, index=True))
    conversation_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("conversation.id", ondelete="SET NULL")),
    )
    text: str = Field(max_length=2_000)
    due_on: date | None = None
    created_at: datetime
    done_at: datetime | None = None
    logged_by: str | None = Field(default=None, max_length=200)
    # Whose job it is; handed over with the person.
    worker: str | None = Field(default=None, max_length=200, index=True)
    # Cancelled (`followup ID --cancel`): it no longer stands, but it is kept, with when and by whom.
    cancelled_at: datetime | None = None
    cancelled_by: str | None = Field(default=None, max_length=200)
    # Made in a private conversation: only its writer and managers see it in a team store.
    private: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class PersonNoteTable(SQLModel, table=True):
    """A lasting note on what matters to someone or drives them."""

    __tablename__ = "person_note"
    __table_args__ = NEVER_REUSED

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=_person_fk(nullable=False, index=True))
    text: str = Field(max_length=20_000)
    created_at: datetime
    # Who wrote it (in a team store, the login role; the database refuses any other name).
    logged_by: str | None = Field(default=None, max_length=200)
    # Written --private: in a team store, only its writer and managers see it (safeguarding).
    private: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class IdeaTable(SQLModel, table=True):
    """An idea someone shared, and what became of it."""

    __tablename__ = "idea"
    __table_args__ = NEVER_REUSED

    id: int | None = Field(default=None, primary_key=True)
    # None once the person who raised it is forgotten: a taken-up idea stays, unlinked.
    person_id: int | None = Field(default=None, sa_column=_person_fk(nullable=True, index=True))
    conversation_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("conversation.id", ondelete="SET NULL"))
    )
    # An idea raised in a group session belongs to the group, not to whoever was named first.
    group_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("community_group.id", ondelete="SET NULL"), index=True),
    )
    text: str = Field(max_length=2_000)
    status: str = Field(max_length=20, index=True)
    outcome: str | None = Field(default=None, max_length=2_000)
    created_at: datetime
    updated_at: datetime
    # "You said, we did": when the person who raised it was told what became of it, and by whom.
    told_at: datetime | None = None
    told_by: str | None = Field(default=None, max_length=200)


class CommunityGroupTable(SQLModel, table=True):
    """A group that meets: a walking group, a peer-support circle."""

    __tablename__ = "community_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True)
    cadence_days: int | None = None
    created_at: datetime
    archived_at: datetime | None = None
    # How the group meets (a channel); None means in person.
    via: str | None = Field(default=None, max_length=10)


class GroupMemberTable(SQLModel, table=True):
    __tablename__ = "group_member"

    group_id: int = Field(
        sa_column=Column(Integer, ForeignKey("community_group.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: int = Field(sa_column=_person_fk(primary_key=True, index=True))
    joined_at: datetime


class WinTable(SQLModel, table=True):
    """A small win worth celebrating."""

    __tablename__ = "win"
    __table_args__ = NEVER_REUSED

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=2_000)
    occurred_at: datetime = Field(index=True)
    group_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("community_group.id", ondelete="SET NULL"))
    )
    logged_by: str | None = Field(default=None, max_length=200)
    created_at: datetime


class WinPersonTable(SQLModel, table=True):
    __tablename__ = "win_person"

    win_id: int = Field(sa_column=Column(Integer, ForeignKey("win.id", ondelete="CASCADE"), primary_key=True))
    person_id: int = Field(sa_column=_person_fk(primary_key=True, index=True))


class PendingCleanupTable(SQLModel, table=True):
    """An erasure on a team store whose physical clean-up waits for the tables' owner.

    Only the owner may VACUUM FULL; when someone else forgets a person (or
    runs unlog or retention), a row here asks the owner's next keepgoing
    command to do it. It holds no personal data: when, and which role asked.
    """

    __tablename__ = "pending_cleanup"

    id: int | None = Field(default=None, primary_key=True)
    requested_at: datetime
    requested_by: str | None = Field(default=None, max_length=200)


class PersonShareTable(SQLModel, table=True):
    """In a team store: a person a manager shared with a worker who is not their key worker."""

    __tablename__ = "person_share"
    __table_args__ = (Index("ix_person_share_role", "role", "person_id"),)

    person_id: int = Field(sa_column=_person_fk(primary_key=True))
    role: str = Field(max_length=200, primary_key=True)
    shared_at: datetime
    shared_by: str | None = Field(default=None, max_length=200)


class AuditTable(SQLModel, table=True):
    """In a team store: who did what, append-only (storage/team.py installs the defaults,
    the triggers and the policies). It names records by number, never by name or text, and
    has no foreign key, so that an erasure leaves the fact of it behind."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_role_at", "role", "at"),
        Index("ix_audit_person", "person_id"),
        NEVER_REUSED,
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    role: str = Field(max_length=200)
    # The keepgoing command (empty for a statement typed in psql).
    command: str | None = Field(default=None, max_length=40)
    # What happened: "show", "export", "insert conversation", "delete person", ...
    action: str = Field(max_length=60)
    person_id: int | None = None
    # Which records, by number ("id 12", "conversation_id 4, person_id 7"), and which columns changed.
    records: str | None = Field(default=None, max_length=2_000)


class MeasureTable(SQLModel, table=True):
    """A wellbeing measure an organisation added (`keepgoing measure add FILE`).

    ONS4 is built in and is not a row here. `definition` is the TOML file's
    content as JSON; `licence` is the line printed wherever its scores are.
    """

    __tablename__ = "measure"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    name_key: str = Field(max_length=60, unique=True)
    definition: str = Field(max_length=100_000)
    licence: str = Field(max_length=2_000)
    added_at: datetime


class MeasureScoreTable(SQLModel, table=True):
    """One answer (or the total, item "total") of a measure, given in a conversation by one person."""

    __tablename__ = "measure_score"
    __table_args__ = (
        Index("ix_measure_score_person", "person_id", "measure"),
        Index("ix_measure_score_measure", "measure", "item"),
    )

    conversation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True)
    )
    measure: str = Field(max_length=60, primary_key=True)
    item: str = Field(max_length=60, primary_key=True)
    person_id: int = Field(sa_column=_person_fk(nullable=False))
    value: float
    recorded_at: datetime


class StoreSecretTable(SQLModel, table=True):
    """A random secret the store keeps for itself, made on first need (`core/tombstones.py`).

    `tombstone_key` keys the hashes of forgotten people: held only here, so
    the hashes say nothing to anyone without the store."""

    __tablename__ = "store_secret"

    name: str = Field(max_length=60, primary_key=True)
    value: str = Field(max_length=200)
    created_at: datetime


class TombstoneTable(SQLModel, table=True):
    """Someone `forget` erased, as keyed hashes of their names, email and phone, and the day.

    `import` and `copy` skip anyone in a file who matches one, so an older
    export does not bring them back (`--include-forgotten NAME` does, and
    lifts the tombstone)."""

    __tablename__ = "tombstone"

    id: int | None = Field(default=None, primary_key=True)
    forgotten_on: date
    # HMAC-SHA256 hex digests, space-separated: one per name and alias, the email and the phone.
    digests: str = Field(max_length=20_000)


class MonitoringConsentTable(SQLModel, table=True):
    """A person's consent to equality monitoring (`monitor --consent given`), apart from
    their consent to be contacted. Withdrawing it deletes this row and their answers."""

    __tablename__ = "monitoring_consent"

    person_id: int = Field(sa_column=_person_fk(primary_key=True))
    given_on: date
    recorded_at: datetime
    recorded_by: str | None = Field(default=None, max_length=200)


class MonitoringTable(SQLModel, table=True):
    """Equality monitoring answers, dated by the day they were asked (at the start, each
    year, at the end). Special category data: shown only when asked for. An empty field
    is "not asked"; "prefer-not" is "prefer not to say"."""

    __tablename__ = "monitoring"

    person_id: int = Field(sa_column=_person_fk(primary_key=True))
    asked_on: date = Field(primary_key=True)
    age_band: str | None = Field(default=None, max_length=20)
    gender: str | None = Field(default=None, max_length=20)
    ethnicity: str | None = Field(default=None, max_length=40)
    disability: str | None = Field(default=None, max_length=20)
    postcode_district: str | None = Field(default=None, max_length=10)
    recorded_at: datetime
    recorded_by: str | None = Field(default=None, max_length=200)
