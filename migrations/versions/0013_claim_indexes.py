"""claim indexes: the items in review, by holder and by lease expiry (partial indexes)

Review next asks, on every claim, whether the reviewer already holds an item and which leases
ran out. With a large number of items left in review, both were a scan of every item in
review; these partial indexes hold only the rows in review.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-01 13:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

IN_REVIEW = sa.text("status = 'in_review'")
INDEXES = {
    "ix_items_claims": ["claimed_by_id", "claim_expires_at"],
    "ix_items_claim_expiry": ["claim_expires_at"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "items", columns, postgresql_where=IN_REVIEW, sqlite_where=IN_REVIEW)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="items", postgresql_where=IN_REVIEW, sqlite_where=IN_REVIEW)
