"""security hardening: sign-in throttle counters

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-01 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=340), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", reviewq.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )


def downgrade():
    op.drop_table("login_throttles")
