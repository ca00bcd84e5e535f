"""retention: items remember when their text was purged; an index of decided items not purged

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 07:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UNPURGED = "purged_at IS NULL AND decided_at IS NOT NULL"


def upgrade():
    with op.batch_alter_table("items") as batch:
        batch.add_column(
            sa.Column("purged_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_index(
        "ix_items_unpurged",
        "items",
        ["decided_at"],
        postgresql_where=sa.text(UNPURGED),
        sqlite_where=sa.text(UNPURGED),
    )


def downgrade():
    op.drop_index("ix_items_unpurged", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("purged_at")
