"""Reserved: verify and relink (issue 13)

Revision ID: 0011
Revises: 0010

A placeholder that changes nothing, so that work going on at the same time keeps one chain of
revisions; it is filled in (and renamed) by that work, or removed with the chain mended.
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
