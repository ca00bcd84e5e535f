"""count snapshots: the queue's counts and the canary catch rates as the sweep last took them

At a million queued items, counting the queue on every visit of the queue page (one pass over
its covering index) took 200-350 ms, and the catch rates a join of every planted canary with
its decisions; the sweep now takes both counts every minute and the pages show them, as
estimates, for a long queue.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 05:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "count_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("counted_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_snapshots")),
    )
    op.create_index("ix_count_snapshots_kind", "count_snapshots", ["kind", "id"], unique=False)


def downgrade():
    op.drop_index("ix_count_snapshots_kind", table_name="count_snapshots")
    op.drop_table("count_snapshots")
