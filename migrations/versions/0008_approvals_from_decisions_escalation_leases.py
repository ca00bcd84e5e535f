"""approvals derived from decisions; escalation claims are leases

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:40:00.000000

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Who approved an item is read from its decisions (services/approvals.py); the hand-kept
    # count and first approver go.
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_items_first_approver_id_users"), type_="foreignkey")
        batch_op.drop_column("first_approver_id")
        batch_op.drop_column("approvals_count")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "claim_expires_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    # Escalations claimed before leases existed get a lease from now: a supervisor still at
    # work renews it, an abandoned one returns at the first sweep after it runs out.
    escalations = sa.table(
        "escalations",
        sa.column("claimed_by_id", sa.Integer),
        sa.column("resolved_at", reviewq.models.types.UTCDateTime(timezone=True)),
        sa.column("claim_expires_at", reviewq.models.types.UTCDateTime(timezone=True)),
    )
    op.execute(
        escalations.update()
        .where(escalations.c.claimed_by_id.is_not(None), escalations.c.resolved_at.is_(None))
        .values(claim_expires_at=datetime.now(UTC) + timedelta(minutes=15))
    )


def downgrade():
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("claim_expires_at")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approvals_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("first_approver_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_items_first_approver_id_users"), "users", ["first_approver_id"], ["id"]
        )
