"""item search: an index on items.external_id, for the supervisors' search by the id a
source gave its draft (the unique index leads with the source, so it cannot serve a search
across sources).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 07:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_items_external_id", "items", ["external_id"], unique=False)


def downgrade():
    op.drop_index("ix_items_external_id", table_name="items")
