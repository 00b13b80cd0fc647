"""Name keys with plain quotes and dashes: "O’Connor" (as phones and Macs type it) is "O'Connor".

Revision ID: 0006_plain_name_keys
Revises: 0005_corrections

`keepgoing.text.name_key` now reads typographic apostrophes, quotes and
dashes as their plain forms, so the stored keys of people, aliases and
groups are worked out again with it. Names themselves are kept as typed. A
key that would become one already used by someone else (two records made
as "O'Connor" and "O’Connor") is left as it was, so the upgrade never
fails; `keepgoing merge` can make them one.
"""

import sqlalchemy as sa
from alembic import op

from keepgoing.text import name_key

revision = "0006_plain_name_keys"
down_revision = "0005_corrections"
branch_labels = None
depends_on = None

# table, its id, the name column, the key column; tables in one list share their keys.
NAMESPACES = (
    (("person", "id", "name", "name_key"), ("alias", "id", "alias", "alias_key")),
    (("community_group", "id", "name", "name_key"),),
)


def upgrade() -> None:
    connection = op.get_bind()
    for tables in NAMESPACES:
        used: set[str] = set()
        rows = []
        for table, id_, name, key in tables:
            for row in connection.execute(
                sa.text(f"SELECT {id_} AS id, {name} AS name, {key} AS k FROM {table}")
            ):
                used.add(row.k)
                rows.append((table, id_, key, row.id, row.k, name_key(row.name)))
        for table, id_, key, ident, old, new in rows:
            if new == old or new in used:
                continue
            connection.execute(
                sa.text(f"UPDATE {table} SET {key} = :k WHERE {id_} = :i"), {"k": new, "i": ident}
            )
            used.discard(old)
            used.add(new)


def downgrade() -> None:
    """The old keys are the plain ones read literally: nothing to undo that matching depends on."""
