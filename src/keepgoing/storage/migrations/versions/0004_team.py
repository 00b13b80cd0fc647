"""Team stores: key workers, who logged and who owns what, and edit versions.

Revision ID: 0004_team
Revises: 0003_coproduction

`person.version` counts saved edits, so that a second worker saving over a
first worker's change is refused instead of silently overwriting it. Columns
are added with plain ALTER TABLE, so the search triggers stay in place.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_team"
down_revision = "0003_coproduction"
branch_labels = None
depends_on = None

Text = sa.String


def upgrade() -> None:
    op.add_column("person", sa.Column("worker", Text(length=200), nullable=True))
    op.add_column("person", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("person", sa.Column("updated_by", Text(length=200), nullable=True))
    op.create_index("ix_person_worker", "person", ["worker"])
    op.add_column("follow_up", sa.Column("logged_by", Text(length=200), nullable=True))
    op.add_column("follow_up", sa.Column("worker", Text(length=200), nullable=True))
    op.create_index("ix_follow_up_worker", "follow_up", ["worker"])
    if op.get_bind().dialect.name == "postgresql":
        _unaccent_if_allowed()


def _unaccent_if_allowed() -> None:
    """Accent-blind search on PostgreSQL needs `unaccent` (trusted: a database owner may add it).

    Where the server refuses, search still works, only not accent-blind.
    """
    from sqlalchemy.exc import DBAPIError

    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DBAPIError:
        pass


def downgrade() -> None:
    op.drop_index("ix_follow_up_worker", table_name="follow_up")
    with op.batch_alter_table("follow_up") as batch:
        batch.drop_column("worker")
        batch.drop_column("logged_by")
    op.drop_index("ix_person_worker", table_name="person")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("updated_by")
        batch.drop_column("version")
        batch.drop_column("worker")
