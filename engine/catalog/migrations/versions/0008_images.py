"""Images of each fileset: what its format's reader saw, and the thumbnail made of it

Revision ID: 0008
Revises: 0007

One row per image (series) of a registered fileset: dimensions, pixel type, physical sizes with
their units, channel names (JSON), acquisition date, plate, well and field, pyramid levels, and the
thumbnail's path relative to the data dir; or status "not read" with the reason. A new table only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fileset_id", sa.Integer(), sa.ForeignKey("filesets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("size_x", sa.BigInteger(), nullable=True),
        sa.Column("size_y", sa.BigInteger(), nullable=True),
        sa.Column("size_z", sa.Integer(), nullable=True),
        sa.Column("size_c", sa.Integer(), nullable=True),
        sa.Column("size_t", sa.Integer(), nullable=True),
        sa.Column("pixel_type", sa.String(32), nullable=True),
        sa.Column("physical_size_x", sa.Float(), nullable=True),
        sa.Column("physical_size_x_unit", sa.String(32), nullable=True),
        sa.Column("physical_size_y", sa.Float(), nullable=True),
        sa.Column("physical_size_y_unit", sa.String(32), nullable=True),
        sa.Column("physical_size_z", sa.Float(), nullable=True),
        sa.Column("physical_size_z_unit", sa.String(32), nullable=True),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("acquired", sa.String(64), nullable=True),
        sa.Column("plate", sa.Text(), nullable=True),
        sa.Column("well", sa.String(16), nullable=True),
        sa.Column("field_index", sa.Integer(), nullable=True),
        sa.Column("levels", sa.Integer(), nullable=False),
        sa.Column("thumbnail", sa.Text(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("fileset_id", "series"),
    )
    op.create_index("ix_images_fileset_id", "images", ["fileset_id"])


def downgrade() -> None:
    op.drop_table("images")
