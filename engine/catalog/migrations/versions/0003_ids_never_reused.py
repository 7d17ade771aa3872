"""Ids are never handed out twice

Revision ID: 0003
Revises: 0002

SQLite gives a new row the largest id in use plus one, so deleting the newest fileset (or job)
handed its id to the next one: logs, reports and people's notes would then name two different
things. AUTOINCREMENT makes SQLite remember the largest id ever used in `sqlite_sequence`. The
tables are rebuilt to get it; copying their rows seeds `sqlite_sequence` with each table's
largest id. An id deleted before this upgrade left no trace in the old schema, so it cannot be
protected. PostgreSQL's sequences never reuse a number, so there is nothing to do there.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Parents before children; the engine turns foreign key enforcement off while tables are rebuilt.
TABLES = ("accounts", "projects", "datasets", "jobs", "filesets", "fileset_entries")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
