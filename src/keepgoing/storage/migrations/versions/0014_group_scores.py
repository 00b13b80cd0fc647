"""Group sessions: a score for each person, and ideas that belong to the group.

Revision ID: 0014_group_scores
Revises: 0013_tombstones

`conversation_person.wellbeing` is one person's own score in a group session
(`log --group G --wellbeing sam=4 --wellbeing ann=3`); a conversation with
one score keeps it on `conversation.wellbeing` as before, so every
conversation already logged reads the same. `idea.group_id` credits an idea
raised in a session to the group (its `person_id` is then empty). Columns
are added in place (no table is rebuilt), so SQLite's AUTOINCREMENT and the
search triggers stay as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_group_scores"
down_revision = "0013_tombstones"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversation_person", sa.Column("wellbeing", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with a foreign key in place (its default is NULL); Alembic would rebuild.
        op.execute(
            "ALTER TABLE idea ADD COLUMN group_id INTEGER REFERENCES community_group (id) ON DELETE SET NULL"
        )
    else:
        op.add_column(
            "idea",
            sa.Column(
                "group_id",
                sa.Integer(),
                sa.ForeignKey("community_group.id", ondelete="SET NULL"),
                nullable=True,
            ),
        )
    op.create_index("ix_idea_group_id", "idea", ["group_id"])


def downgrade() -> None:
    # A group's idea stays, with nobody (as one kept after its author was forgotten).
    op.drop_index("ix_idea_group_id", table_name="idea")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("idea") as batch:  # SQLite drops a foreign key column by rebuilding
            batch.drop_column("group_id")
    else:
        op.drop_column("idea", "group_id")
    op.execute("ALTER TABLE conversation_person DROP COLUMN wellbeing")
