"""Team access: people shared with a worker, and the audit trail.

Revision ID: 0010_team_access
Revises: 0009_attempts_and_followups

`person_share` lists the people a manager shared with a worker who is not
their key worker; `audit` records who did what in a team store (record
numbers, never names or note text). Both exist on every store; `team init`
and `keepgoing upgrade` (storage/team.py) give them their privileges,
policies, defaults and triggers on a team store. The index on conversation
(logged_by, occurred_at) serves the rule that a worker sees the people they
talked to in the last 90 days. A conversation or follow-up logged `--private`
is seen only by its writer and managers in a team store.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_team_access"
down_revision = "0009_attempts_and_followups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("conversation", "follow_up"):
        op.add_column(table, sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_conversation_logged_by", "conversation", ["logged_by", "occurred_at"])
    op.create_table(
        "person_share",
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role", sa.String(length=200), primary_key=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shared_by", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_person_share_role", "person_share", ["role", "person_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("command", sa.String(length=40), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("records", sa.String(length=2000), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_role_at", "audit", ["role", "at"])
    op.create_index("ix_audit_person", "audit", ["person_id"])


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("person_share")
    op.drop_index("ix_conversation_logged_by", table_name="conversation")
    for table in ("follow_up", "conversation"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("private")
