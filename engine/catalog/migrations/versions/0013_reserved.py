"""Reserved: PostgreSQL (issue 17)

Revision ID: 0013
Revises: 0012

A placeholder that changes nothing, so that work going on at the same time keeps one chain of
revisions; it is filled in (and renamed) by that work, or removed with the chain mended.
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
