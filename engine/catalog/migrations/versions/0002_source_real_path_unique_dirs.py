"""Where each original really is, and one row per fileset directory

Revision ID: 0002
Revises: 0001

`fileset_entries.source_real_path` is the original's path with every symbolic link resolved, so a
`*_rm` import can tell that a file it would delete is what an earlier `ln_s` fileset reaches.
Rows made before keep their source path there. `filesets.repo_dir` becomes unique: a fileset
directory is recorded before it is created, and the catalog, not a race of mkdirs, decides who
owns a name.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fileset_entries") as batch:
        batch.add_column(sa.Column("source_real_path", sa.Text(), nullable=True))
    op.execute("UPDATE fileset_entries SET source_real_path = source_path")
    op.create_index("ix_fileset_entries_source_real_path", "fileset_entries", ["source_real_path"])
    op.create_index("ix_filesets_repo_dir", "filesets", ["repo_dir"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_filesets_repo_dir", table_name="filesets")
    op.drop_index("ix_fileset_entries_source_real_path", table_name="fileset_entries")
    with op.batch_alter_table("fileset_entries") as batch:
        batch.drop_column("source_real_path")
