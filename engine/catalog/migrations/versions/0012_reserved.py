"""Reserved: DropBox (issue 15)

Revision ID: 0012
Revises: 0011

A placeholder that changes nothing, so that work going on at the same time keeps one chain of
revisions; it is filled in (and renamed) by that work, or removed with the chain mended.
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
