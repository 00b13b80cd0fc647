"""Private lasting notes: who wrote a lasting note, and whether it is private.

Revision ID: 0011_team
Revises: 0010_team_access

A lasting note written `--private` is seen, in a team store, only by the
worker who wrote it (`logged_by`, the login role) and by managers, as a
private conversation or follow-up already is. Notes written before this
revision have no writer recorded and are not private.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_team"
down_revision = "0010_team_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person_note", sa.Column("logged_by", sa.String(length=200), nullable=True))
    op.add_column(
        "person_note", sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("person_note") as batch:
        batch.drop_column("private")
        batch.drop_column("logged_by")
