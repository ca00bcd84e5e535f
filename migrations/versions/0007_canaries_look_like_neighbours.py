"""canaries look like their neighbours: a source's ids are unique among its real drafts

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

REAL = sa.text("canary_id IS NULL")


def upgrade():

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
