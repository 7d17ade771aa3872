"""Which grouping rule made each fileset, and its format

Revision ID: 0004
Revises: 0003

`filesets.rule` names the grouping rule that put the files together (a built-in or a plugin of the
`inplace.grouping` group) and `filesets.format` the format family it recognised, so a person can
see why files were imported together. Filesets made before stay empty (NULL): nobody recorded it.
Plain ADD COLUMN: no table is rebuilt, so 0003's id sequences are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("filesets", sa.Column("rule", sa.String(255), nullable=True))
    op.add_column("filesets", sa.Column("format", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("filesets") as batch:
        batch.drop_column("format")
        batch.drop_column("rule")
