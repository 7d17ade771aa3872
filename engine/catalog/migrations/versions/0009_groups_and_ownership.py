"""Groups with permission levels, group owners, disabled accounts, and who ran a job for whom

Revision ID: 0009
Revises: 0008

`groups` gains `permissions` (private, read-only or read-write); `memberships` gains `owner` (the
member administers the group); `accounts` gains `enabled` and `default_group_id` (the group an
import goes to unless another is chosen); `filesets` gains `group_id`; `jobs` gains `run_by_id` (the
account that ran the import, when it imported for another; NULL means the job's own account) and
`group_id`. Existing data: one private group named "default" is made, every account joins it and has
it as its default group, and every fileset and job belongs to it. Being private, it shows each
account what it saw before (its own data), so nothing becomes visible that was not.
Plain ADD COLUMN and a new row: no table is rebuilt, so 0003's id sequences are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DEFAULT_GROUP = "default"


def upgrade() -> None:
    op.add_column("groups", sa.Column("permissions", sa.String(16), nullable=False, server_default="private"))
    op.add_column("memberships", sa.Column("owner", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("accounts", sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("accounts", sa.Column("default_group_id", sa.Integer(), nullable=True))
    op.add_column("filesets", sa.Column("group_id", sa.Integer(), nullable=True))
    op.add_column("jobs", sa.Column("run_by_id", sa.Integer(), nullable=True))
    op.add_column("jobs", sa.Column("group_id", sa.Integer(), nullable=True))
    op.create_index("ix_filesets_group_id", "filesets", ["group_id"])
    bind = op.get_bind()
    groups = sa.table("groups", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("permissions"))
    group_id = bind.scalar(sa.select(groups.c.id).where(groups.c.name == DEFAULT_GROUP))
    if group_id is None:
        bind.execute(sa.insert(groups).values(name=DEFAULT_GROUP, permissions="private"))
        group_id = bind.scalar(sa.select(groups.c.id).where(groups.c.name == DEFAULT_GROUP))
    bind.execute(
        sa.text(
            "INSERT INTO memberships (account_id, group_id, owner) SELECT id, :g, :no FROM accounts "
            "WHERE id NOT IN (SELECT account_id FROM memberships WHERE group_id = :g)"
        ),
        {"g": group_id, "no": False},
    )
    bind.execute(sa.text("UPDATE accounts SET default_group_id = :g WHERE default_group_id IS NULL"), {"g": group_id})
    bind.execute(sa.text("UPDATE filesets SET group_id = :g WHERE group_id IS NULL"), {"g": group_id})
    bind.execute(sa.text("UPDATE jobs SET group_id = :g WHERE group_id IS NULL"), {"g": group_id})


def downgrade() -> None:
    op.drop_index("ix_filesets_group_id", "filesets")
    for table, column in (
        ("jobs", "group_id"),
        ("jobs", "run_by_id"),
        ("filesets", "group_id"),
        ("accounts", "default_group_id"),
        ("accounts", "enabled"),
        ("memberships", "owner"),
        ("groups", "permissions"),
    ):
        op.drop_column(table, column)
