"""Putting mistakes right: who amended a conversation, ideas that outlive their author, group channels.

Revision ID: 0005_corrections
Revises: 0004_team

`conversation.amended_by/amended_at` record a correction made with
`keepgoing amend` (a team can see who changed a colleague's record).
`idea.person_id` becomes optional: an idea the organisation took up stays
when the person who raised it is forgotten, unlinked and redacted.
`community_group.via` is how a group meets, so a session never takes one
member's preferred channel.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_corrections"
down_revision = "0004_team"
branch_labels = None
depends_on = None

Text = sa.String
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("conversation", sa.Column("amended_by", Text(length=200), nullable=True))
    op.add_column("conversation", sa.Column("amended_at", When, nullable=True))
    op.add_column("community_group", sa.Column("via", Text(length=10), nullable=True))
    # SQLite cannot relax NOT NULL in place: batch mode rebuilds the table (idea has no triggers).
    with op.batch_alter_table("idea") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM idea WHERE person_id IS NULL")
    with op.batch_alter_table("idea") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("community_group") as batch:
        batch.drop_column("via")
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("amended_at")
        batch.drop_column("amended_by")
