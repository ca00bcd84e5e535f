"""source tokens get a name and when they were last used; a source's delivery log index

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 07:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("source_tokens") as batch:
        batch.add_column(
            sa.Column("name", sa.String(length=80), nullable=False, server_default="default")
        )
        batch.add_column(
            sa.Column(
                "last_used_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.create_index("ix_deliveries_source_created", "deliveries", ["source_id", "created_at", "id"])


def downgrade():
    op.drop_index("ix_deliveries_source_created", table_name="deliveries")
    with op.batch_alter_table("source_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("name")
