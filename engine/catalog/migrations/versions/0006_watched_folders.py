"""DropBox: watched folders and what the service did in them

Revision ID: 0006
Revises: 0005

`watched_folders` holds each folder an administrator registered: the account it imports for, its import
arguments (JSON), its quiet period, whether it is polled (network filesystems), who added it and when,
the standing acknowledgement of in-place or deleting transfers (statements, warning codes, the OS
account), and what the service last found waiting there. `dropbox_events` records each import the
service made or that failed, with its job and reason, for `inplace dropbox status`.
New tables only; a folder's id is never reused (AUTOINCREMENT), like those of 0003.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watched_folders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("path", sa.Text(), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("quiet_seconds", sa.Float(), nullable=False),
        sa.Column("polling", sa.Boolean(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_statements", sa.Text(), nullable=True),
        sa.Column("accepted_warnings", sa.Text(), nullable=True),
        sa.Column("accepted_os_user", sa.String(255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "dropbox_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("folder_id", sa.Integer(), sa.ForeignKey("watched_folders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("fileset", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
    )
    op.create_index("ix_dropbox_events_folder_id", "dropbox_events", ["folder_id"])


def downgrade() -> None:
    op.drop_table("dropbox_events")
    op.drop_table("watched_folders")
