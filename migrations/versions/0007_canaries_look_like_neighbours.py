"""canaries look like their neighbours: a source's ids are unique among its real drafts;
canaries are planted some time after the draft that triggered them (canary_plants)

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REAL = sa.text("canary_id IS NULL")
PENDING = sa.text("done_at IS NULL")


def upgrade():

    op.create_table(
        "canary_plants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("trigger_item_id", sa.Integer(), nullable=False),
        sa.Column("due_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("canary_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["canary_id"], ["canaries.id"], name=op.f("fk_canary_plants_canary_id_canaries")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_canary_plants_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_canary_plants_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["trigger_item_id"],
            ["items.id"],
            name=op.f("fk_canary_plants_trigger_item_id_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canary_plants")),
    )
    with op.batch_alter_table("canary_plants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_canary_plants_pending",
            ["source_id", "due_at"],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_constraint("uq_items_source_id_external_id", type_="unique")
        batch_op.drop_constraint("uq_items_source_id_webhook_id", type_="unique")
        batch_op.create_index(
            "uq_items_real_external_id",
            ["source_id", "external_id"],
            unique=True,
            postgresql_where=REAL,
            sqlite_where=REAL,
        )
        batch_op.create_index(
            "uq_items_real_webhook_id",
            ["source_id", "webhook_id"],
            unique=True,
            postgresql_where=REAL,
            sqlite_where=REAL,
        )


def downgrade():
    # Fails if a source has reused a canary's external_id or webhook-id (as it may).

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("uq_items_real_webhook_id")
        batch_op.drop_index("uq_items_real_external_id")
        batch_op.create_unique_constraint(
            "uq_items_source_id_webhook_id", ["source_id", "webhook_id"]
        )
        batch_op.create_unique_constraint(
            "uq_items_source_id_external_id", ["source_id", "external_id"]
        )

    with op.batch_alter_table("canary_plants", schema=None) as batch_op:
        batch_op.drop_index("ix_canary_plants_pending")

    op.drop_table("canary_plants")
