"""Reserved: groups and ownership (issue 14)

Revision ID: 0009
Revises: 0008

A placeholder that changes nothing, so that work going on at the same time keeps one chain of
revisions; it is filled in (and renamed) by that work, or removed with the chain mended.
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
