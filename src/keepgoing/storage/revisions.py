"""Which schema versions this keepgoing knows, without importing Alembic.

Opening a store compares its `alembic_version` with `HEAD`: equal is the fast
path (stdlib sqlite3 only); an older known revision runs the migrations; an
unknown one was written by a newer keepgoing and is refused untouched. A test
keeps these names in step with the migration scripts.
"""

# Every revision in order, oldest first. Append; never rename or reorder.
REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_search",
    "0003_coproduction",
    "0004_team",
    "0005_corrections",
    "0006_plain_name_keys",
    "0007_numbers_and_times",
    "0008_pending_cleanup",
    "0009_attempts_and_followups",
    "0010_team_access",
    "0011_team",
    "0012_measures",
    "0013_tombstones",
    "0014_group_scores",
    "0015_ideas_told",
    "0016_pause_reason",
    "0017_monitoring",
)
HEAD = REVISIONS[-1]
