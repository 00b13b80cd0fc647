"""Consent, wellbeing words and drops, lasting notes, ideas, groups and small wins.

Revision ID: 0003_coproduction
Revises: 0002_search

Columns are added with plain ALTER TABLE (no table rebuild), so the search
triggers on person and conversation stay in place.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_coproduction"
down_revision = "0002_search"
branch_labels = None
depends_on = None

Text = sa.String
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "community_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", Text(length=200), nullable=False),
        sa.Column("name_key", Text(length=200), nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("archived_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "group_member",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", When, nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["community_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "person_id"),
    )
    op.create_index("ix_group_member_person_id", "group_member", ["person_id"])
    op.create_table(
        "person_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", Text(length=20000), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_note_person_id", "person_note", ["person_id"])
    op.create_table(
        "win",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", Text(length=2000), nullable=False),
        sa.Column("occurred_at", When, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("logged_by", Text(length=200), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["community_group.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_win_occurred_at", "win", ["occurred_at"])
    op.create_table(
        "idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("text", Text(length=2000), nullable=False),
        sa.Column("status", Text(length=20), nullable=False),
        sa.Column("outcome", Text(length=2000), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_idea_person_id", "idea", ["person_id"])
    op.create_index("ix_idea_status", "idea", ["status"])
    op.create_table(
        "win_person",
        sa.Column("win_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["win_id"], ["win.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("win_id", "person_id"),
    )
    op.create_index("ix_win_person_person_id", "win_person", ["person_id"])
    op.add_column("conversation", sa.Column("feeling", Text(length=40), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot add a constraint later, but takes REFERENCES in ADD COLUMN.
        op.execute(
            "ALTER TABLE conversation ADD COLUMN group_id INTEGER "
            "REFERENCES community_group (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("conversation", sa.Column("group_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_conversation_group",
            "conversation",
            "community_group",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index("ix_conversation_group_id", "conversation", ["group_id"])
    for name, kind in (
        ("consent", Text(length=10)),
        ("consent_channels", Text(length=100)),
        ("consent_note", Text(length=2000)),
        ("consent_on", sa.Date()),
        ("consent_review_on", sa.Date()),
        ("wellbeing_drop", Text(length=20)),
    ):
        op.add_column("person", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("keepgoing never downgrades a store; restore a backup instead")
