"""One folder per import job: the job's folder, shared fileset folders, and pending paths

Revision ID: 0010
Revises: 0009

A job now makes one folder from the path template and every fileset of the job lives in it, so
`filesets.repo_dir` (the job's folder for new filesets, the fileset's own folder for older ones)
is no longer unique. Uniqueness moves to `jobs.repo_dir`, the folder a job claimed in the catalog
before making it (NULL for jobs made before: they used one folder per fileset). `pending_paths`
holds, per fileset, the repository paths about to be created, newline-separated (repository names
never hold control characters), recorded in batches before the files are made; recovery removes
exactly those. Filesets made before keep their folders and are removed as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_filesets_repo_dir", table_name="filesets")
    op.create_index("ix_filesets_repo_dir", "filesets", ["repo_dir"], unique=False)
    op.add_column("jobs", sa.Column("repo_dir", sa.Text(), nullable=True))
    op.create_index("ix_jobs_repo_dir", "jobs", ["repo_dir"], unique=True)
    op.create_table(
        "pending_paths",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fileset_id", sa.Integer(), sa.ForeignKey("filesets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paths", sa.Text(), nullable=False),
    )
    op.create_index("ix_pending_paths_fileset_id", "pending_paths", ["fileset_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_paths_fileset_id", table_name="pending_paths")
    op.drop_table("pending_paths")
    op.drop_index("ix_jobs_repo_dir", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("repo_dir")
    op.drop_index("ix_filesets_repo_dir", table_name="filesets")
    op.create_index("ix_filesets_repo_dir", "filesets", ["repo_dir"], unique=True)
