"""You said, we did: when the person who raised an idea was told what became of it.

Revision ID: 0015_ideas_told
Revises: 0014_group_scores

`idea.told_at` and `idea.told_by` record that the person who raised an idea
was told what became of it (`idea ID --told`). Columns are added in place
(no table is rebuilt), so SQLite's AUTOINCREMENT stays as it is.

`ix_conversation_report` on conversation (occurred_at, reached, via,
logged_by, wellbeing, group_id) lets the report count a period's conversations, and
find everyone's last contact before it, from the index alone: at 20,000
people and 1,000,000 conversations it no longer sorts the whole history.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_ideas_told"
down_revision = "0014_group_scores"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("idea", sa.Column("told_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("idea", sa.Column("told_by", sa.String(length=200), nullable=True))
    op.create_index(
        "ix_conversation_report",
        "conversation",
        ["occurred_at", "reached", "via", "logged_by", "wellbeing", "group_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_report", table_name="conversation")
    for column in ("told_by", "told_at"):
        op.execute(f"ALTER TABLE idea DROP COLUMN {column}")
