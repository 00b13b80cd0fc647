"""The first schema: people, aliases, tags, conversations and follow-ups.

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the column types, so this file never changes with the models.
Text = sa.String
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", When, nullable=False),
        sa.Column("via", Text(length=10), nullable=False),
        sa.Column("note", Text(length=20000), nullable=True),
        sa.Column("wellbeing", sa.Integer(), nullable=True),
        sa.Column("logged_by", Text(length=200), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conversation_occurred_at", "conversation", ["occurred_at"])
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", Text(length=200), nullable=False),
        sa.Column("name_key", Text(length=200), nullable=False),
        sa.Column("organisation", Text(length=200), nullable=True),
        sa.Column("role", Text(length=200), nullable=True),
        sa.Column("phone", Text(length=60), nullable=True),
        sa.Column("email", Text(length=254), nullable=True),
        sa.Column("prefers", Text(length=10), nullable=True),
        sa.Column("note", Text(length=20000), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.Column("last_contact_at", When, nullable=True),
        sa.Column("last_contact_via", Text(length=10), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("archived_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_index("ix_person_due_on", "person", ["due_on"])
    op.create_table(
        "alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("alias", Text(length=200), nullable=False),
        sa.Column("alias_key", Text(length=200), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alias_key"),
    )
    op.create_index("ix_alias_person_id", "alias", ["person_id"])
    op.create_table(
        "conversation_person",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "person_id"),
    )
    op.create_index("ix_conversation_person_person", "conversation_person", ["person_id", "conversation_id"])
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("text", Text(length=2000), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("done_at", When, nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_up_open", "follow_up", ["done_at", "due_on"])
    op.create_index("ix_follow_up_person_id", "follow_up", ["person_id"])
    op.create_table(
        "person_tag",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tag", Text(length=60), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "tag"),
    )
    op.create_index("ix_person_tag_tag", "person_tag", ["tag"])


def downgrade() -> None:
    for table in ("person_tag", "follow_up", "conversation_person", "alias", "person"):
        op.drop_table(table)
    op.drop_table("conversation")
