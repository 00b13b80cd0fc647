"""Alembic environment: keepgoing always hands it an open connection.

All pending migrations run inside the caller's transaction (on SQLite a
`BEGIN IMMEDIATE`), so each one is applied together with its version record,
and a failure leaves the store exactly as it was.
"""

from alembic import context

from keepgoing.storage.models import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can only ALTER a table by rebuilding it
    transactional_ddl=True,
)
context.run_migrations()
