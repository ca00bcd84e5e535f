"""undo window: a decision's consequences wait for its undo window; an undone decision stays

``items.settles_at``: when the consequences of the item's last decision (callback, blind
second review sampling, the escalation and its paging) are due; NULL once they ran or when
nothing waits. A partial index keeps the sweep's look for due ones off the settled millions.
``decisions.undone_at``: when the person who took the decision took it back within the
window (the row and its audit event stay; readers leave undone decisions out).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 06:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("items") as batch:
        batch.add_column(
            sa.Column("settles_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_index(
        "ix_items_settles_at",
        "items",
        ["settles_at"],
        unique=False,
        postgresql_where=sa.text("settles_at IS NOT NULL"),
        sqlite_where=sa.text("settles_at IS NOT NULL"),
    )
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column("undone_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("undone_at")
    op.drop_index(
        "ix_items_settles_at",
        table_name="items",
        postgresql_where=sa.text("settles_at IS NOT NULL"),
        sqlite_where=sa.text("settles_at IS NOT NULL"),
    )
    with op.batch_alter_table("items") as batch:
        batch.drop_column("settles_at")
