"""Entry health for `inplace verify`, the history of its changes, and relinks

Revision ID: 0005
Revises: 0004

`fileset_entries` gains the original's identity (`source_dev`, `source_ino`, recorded by the importer
from now on; NULL for entries made before, whose checks compare with the file as it is), the last
check's `health`, `checked_at` and `health_note`, and `seen_mtime` (the checked file's modification
time when it was last found good, for repository copies and restored originals). `health_changes`
keeps every change of an entry's health; `relinks` records each re-pointed `ln_s` entry.
Plain ADD COLUMN and new tables: no table is rebuilt, so 0003's id sequences are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ENTRY_COLUMNS = ("source_dev", "source_ino", "health", "checked_at", "health_note", "seen_mtime")


def upgrade() -> None:
    op.add_column("fileset_entries", sa.Column("source_dev", sa.BigInteger(), nullable=True))
    op.add_column("fileset_entries", sa.Column("source_ino", sa.BigInteger(), nullable=True))
    op.add_column("fileset_entries", sa.Column("health", sa.String(32), nullable=True))
    op.add_column("fileset_entries", sa.Column("checked_at", sa.DateTime(), nullable=True))
    op.add_column("fileset_entries", sa.Column("health_note", sa.Text(), nullable=True))
    op.add_column("fileset_entries", sa.Column("seen_mtime", sa.Float(), nullable=True))
    op.create_index("ix_fileset_entries_checked_at", "fileset_entries", ["checked_at"])
    op.create_table(
        "health_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("fileset_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("old_health", sa.String(32), nullable=True),
        sa.Column("new_health", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_health_changes_entry_id", "health_changes", ["entry_id"])
    op.create_table(
        "relinks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("fileset_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("old_path", sa.Text(), nullable=False),
        sa.Column("new_path", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("os_user", sa.String(255), nullable=False),
        sa.Column("relinked_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_relinks_entry_id", "relinks", ["entry_id"])


def downgrade() -> None:
    op.drop_table("relinks")
    op.drop_table("health_changes")
    op.drop_index("ix_fileset_entries_checked_at", "fileset_entries")
    with op.batch_alter_table("fileset_entries") as batch:
        for name in reversed(ENTRY_COLUMNS):
            batch.drop_column(name)
