"""Reserved: one folder per import job (issue 16)

Revision ID: 0010
Revises: 0009

A placeholder that changes nothing, so that work going on at the same time keeps one chain of
revisions; it is filled in (and renamed) by that work, or removed with the chain mended.
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
