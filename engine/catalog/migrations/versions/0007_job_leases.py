"""Job leases: a heartbeat and a timeout for running jobs

Revision ID: 0007
Revises: 0006

With a PostgreSQL catalog several hosts import at once, and one host cannot see whether another
host's process is alive. A running job now renews `heartbeat_at` while it works; another host takes
it for alive while the heartbeat is younger than `lease_seconds`, and for interrupted after. Jobs
started before this upgrade have neither (NULL) and are judged as before. Plain ADD COLUMN.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    op.add_column("jobs", sa.Column("lease_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("lease_seconds")
        batch.drop_column("heartbeat_at")
